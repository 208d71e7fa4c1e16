import { AUTH_SCHEMA } from '../../apps/auth/src/auth-schema';
import { CATALOG_SCHEMA } from '../../apps/catalog/src/catalog-schema';
import { ORDERS_SCHEMA } from '../../apps/orders/src/orders-schema';
import { UPLOAD_SCHEMA } from '../../apps/upload/src/upload-schema';
import { ServiceSchema } from '#libs/database';

/** Each service's schema, by service name; the migrate tool applies them in this order. */
export const SERVICE_SCHEMAS: Record<string, ServiceSchema> = {
  auth: AUTH_SCHEMA,
  catalog: CATALOG_SCHEMA,
  orders: ORDERS_SCHEMA,
  upload: UPLOAD_SCHEMA,
};
