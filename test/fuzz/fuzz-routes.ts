/** Who a route is for: the fuzzer sends each caller's token most of the time, and others (or none) the rest. */
export type Caller = 'anyone' | 'user' | 'staff';

/** Which real fixture a path's `:id` names when the fuzzer sends a valid one. */
export type IdKind =
  'product' | 'sku' | 'category' | 'article' | 'banner' | 'order' | 'upload' | 'resource' | 'slot' | 'appointment' | 'staff' | 'address' | 'coupon';

/** One public route of the API contract, with the field names its body and query take. */
export interface FuzzRoute {
  service: 'auth' | 'catalog' | 'orders' | 'upload';
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  caller: Caller;
  id?: IdKind;
  body?: 'json' | 'multipart';
  fields?: string[];
  query?: string[];
  /** Logout revokes the session it is sent: each such request gets a throwaway token. */
  consumesToken?: boolean;
}

const PAGE = ['limit', 'cursor'];
const SKU_FIELDS = ['name', 'priceFen', 'stock', 'sortOrder'];
const ADDRESS_FIELDS = ['name', 'phone', 'province', 'city', 'district', 'detail', 'postalCode', 'isDefault'];
const COUPON_FIELDS = ['name', 'kind', 'amountFen', 'percentOff', 'minSpendFen', 'total', 'perUserLimit', 'startsAt', 'endsAt', 'productIds', 'categoryIds'];
const AFTER_SALE_FIELDS = ['reason', 'refundFen', 'items', 'remark', 'imageUploadIds'];
const NO_SUCH_REQUEST = '01JDQ9A1B2C3D4E5F6G7H8J9KM';
const PRODUCT_FIELDS = ['categoryId', 'title', 'subtitle', 'description', 'images', 'onSale', 'featured', 'skus'];

/** Every public route of every service (auth, catalog, orders, upload), staff routes included. */
export const FUZZ_ROUTES: FuzzRoute[] = [
  { service: 'auth', method: 'POST', path: '/api/auth/wechat/login', caller: 'anyone', body: 'json', fields: ['code'] },
  { service: 'auth', method: 'GET', path: '/api/auth/wechat/push', caller: 'anyone', query: ['signature', 'timestamp', 'nonce', 'echostr'] },
  {
    service: 'auth',
    method: 'POST',
    path: '/api/auth/wechat/push',
    caller: 'anyone',
    body: 'json',
    fields: ['ToUserName', 'Encrypt', 'FromUserName', 'CreateTime', 'MsgType', 'Event'],
    query: ['signature', 'timestamp', 'nonce', 'encrypt_type', 'msg_signature'],
  },
  { service: 'auth', method: 'POST', path: '/api/auth/refresh', caller: 'anyone', body: 'json', fields: ['refreshToken'] },
  { service: 'auth', method: 'POST', path: '/api/auth/logout', caller: 'user', consumesToken: true },
  { service: 'auth', method: 'GET', path: '/api/auth/me', caller: 'user' },
  { service: 'auth', method: 'PATCH', path: '/api/auth/me', caller: 'user', body: 'json', fields: ['nickname', 'avatarUploadId'] },
  { service: 'auth', method: 'POST', path: '/api/auth/phone', caller: 'user', body: 'json', fields: ['code'] },
  { service: 'auth', method: 'POST', path: '/api/auth/admin/login', caller: 'anyone', body: 'json', fields: ['username', 'password'] },
  { service: 'auth', method: 'GET', path: '/api/auth/admin/staff', caller: 'staff' },
  { service: 'auth', method: 'POST', path: '/api/auth/admin/staff', caller: 'staff', body: 'json', fields: ['username', 'password', 'role'] },
  { service: 'auth', method: 'DELETE', path: '/api/auth/admin/staff/:id', caller: 'staff', id: 'staff' },
  { service: 'auth', method: 'GET', path: '/api/auth/subscriptions', caller: 'user' },
  { service: 'auth', method: 'POST', path: '/api/auth/subscriptions', caller: 'user', body: 'json', fields: ['results'] },
  { service: 'auth', method: 'GET', path: '/api/auth/addresses', caller: 'user' },
  { service: 'auth', method: 'POST', path: '/api/auth/addresses', caller: 'user', body: 'json', fields: ADDRESS_FIELDS },
  { service: 'auth', method: 'PATCH', path: '/api/auth/addresses/:id', caller: 'user', id: 'address', body: 'json', fields: ADDRESS_FIELDS },
  { service: 'auth', method: 'DELETE', path: '/api/auth/addresses/:id', caller: 'user', id: 'address' },

  { service: 'catalog', method: 'GET', path: '/api/catalog/home', caller: 'anyone' },
  { service: 'catalog', method: 'GET', path: '/api/catalog/categories', caller: 'anyone' },
  { service: 'catalog', method: 'GET', path: '/api/catalog/products', caller: 'anyone', query: [...PAGE, 'categoryId', 'q'] },
  { service: 'catalog', method: 'GET', path: '/api/catalog/products/:id', caller: 'anyone', id: 'product' },
  { service: 'catalog', method: 'GET', path: '/api/catalog/products/:id/share-code', caller: 'anyone', id: 'product' },
  { service: 'catalog', method: 'GET', path: '/api/catalog/articles', caller: 'anyone', query: PAGE },
  { service: 'catalog', method: 'GET', path: '/api/catalog/articles/:id', caller: 'anyone', id: 'article' },
  { service: 'catalog', method: 'POST', path: '/api/catalog/admin/categories', caller: 'staff', body: 'json', fields: ['name', 'parentId', 'sortOrder'] },
  {
    service: 'catalog',
    method: 'PATCH',
    path: '/api/catalog/admin/categories/:id',
    caller: 'staff',
    id: 'category',
    body: 'json',
    fields: ['name', 'parentId', 'sortOrder'],
  },
  { service: 'catalog', method: 'DELETE', path: '/api/catalog/admin/categories/:id', caller: 'staff', id: 'category' },
  { service: 'catalog', method: 'GET', path: '/api/catalog/admin/articles', caller: 'staff', query: PAGE },
  { service: 'catalog', method: 'GET', path: '/api/catalog/admin/articles/:id', caller: 'staff', id: 'article' },
  { service: 'catalog', method: 'GET', path: '/api/catalog/admin/banners', caller: 'staff' },
  { service: 'catalog', method: 'GET', path: '/api/catalog/admin/products', caller: 'staff', query: [...PAGE, 'q', 'categoryId', 'onSale', 'stockBelow'] },
  {
    service: 'catalog',
    method: 'POST',
    path: '/api/catalog/admin/articles',
    caller: 'staff',
    body: 'json',
    fields: ['title', 'summary', 'body', 'coverImage', 'published'],
  },
  {
    service: 'catalog',
    method: 'PATCH',
    path: '/api/catalog/admin/articles/:id',
    caller: 'staff',
    id: 'article',
    body: 'json',
    fields: ['title', 'summary', 'body', 'coverImage', 'published'],
  },
  { service: 'catalog', method: 'DELETE', path: '/api/catalog/admin/articles/:id', caller: 'staff', id: 'article' },
  {
    service: 'catalog',
    method: 'POST',
    path: '/api/catalog/admin/banners',
    caller: 'staff',
    body: 'json',
    fields: ['title', 'image', 'linkUrl', 'sortOrder', 'active'],
  },
  {
    service: 'catalog',
    method: 'PATCH',
    path: '/api/catalog/admin/banners/:id',
    caller: 'staff',
    id: 'banner',
    body: 'json',
    fields: ['title', 'image', 'linkUrl', 'sortOrder', 'active'],
  },
  { service: 'catalog', method: 'DELETE', path: '/api/catalog/admin/banners/:id', caller: 'staff', id: 'banner' },
  { service: 'catalog', method: 'GET', path: '/api/catalog/admin/products/:id', caller: 'staff', id: 'product' },
  { service: 'catalog', method: 'POST', path: '/api/catalog/admin/products', caller: 'staff', body: 'json', fields: PRODUCT_FIELDS },
  {
    service: 'catalog',
    method: 'PATCH',
    path: '/api/catalog/admin/products/:id',
    caller: 'staff',
    id: 'product',
    body: 'json',
    fields: PRODUCT_FIELDS.filter((field) => field !== 'skus'),
  },
  { service: 'catalog', method: 'DELETE', path: '/api/catalog/admin/products/:id', caller: 'staff', id: 'product' },
  { service: 'catalog', method: 'POST', path: '/api/catalog/admin/products/:id/skus', caller: 'staff', id: 'product', body: 'json', fields: SKU_FIELDS },
  { service: 'catalog', method: 'PATCH', path: '/api/catalog/admin/skus/:id', caller: 'staff', id: 'sku', body: 'json', fields: SKU_FIELDS },
  { service: 'catalog', method: 'DELETE', path: '/api/catalog/admin/skus/:id', caller: 'staff', id: 'sku' },
  { service: 'catalog', method: 'POST', path: '/api/catalog/admin/skus/:id/stock-adjustments', caller: 'staff', id: 'sku', body: 'json', fields: ['delta'] },

  { service: 'orders', method: 'POST', path: '/api/orders', caller: 'user', body: 'json', fields: ['items', 'contact', 'addressId', 'remark', 'userCouponId'] },
  { service: 'orders', method: 'GET', path: '/api/orders', caller: 'user', query: [...PAGE, 'status'] },
  { service: 'orders', method: 'GET', path: '/api/orders/:id', caller: 'user', id: 'order' },
  { service: 'orders', method: 'POST', path: '/api/orders/:id/cancel', caller: 'user', id: 'order' },
  { service: 'orders', method: 'POST', path: '/api/orders/:id/pay', caller: 'user', id: 'order' },
  {
    service: 'orders',
    method: 'POST',
    path: '/api/orders/payments/wechat/notify',
    caller: 'anyone',
    body: 'json',
    fields: ['id', 'event_type', 'resource_type', 'resource', 'summary', 'create_time'],
  },
  {
    service: 'orders',
    method: 'GET',
    path: '/api/orders/admin',
    caller: 'staff',
    query: [...PAGE, 'status', 'userId', 'orderNo', 'createdFrom', 'createdTo', 'wechatSync'],
  },
  { service: 'orders', method: 'GET', path: '/api/orders/admin/:id', caller: 'staff', id: 'order' },
  {
    service: 'orders',
    method: 'POST',
    path: '/api/orders/admin/:id/ship',
    caller: 'staff',
    id: 'order',
    body: 'json',
    fields: ['logisticsType', 'carrier', 'trackingNo'],
  },
  { service: 'orders', method: 'POST', path: '/api/orders/admin/:id/complete', caller: 'staff', id: 'order' },
  { service: 'orders', method: 'POST', path: '/api/orders/admin/:id/refund', caller: 'staff', id: 'order', body: 'json', fields: ['reason'] },
  { service: 'orders', method: 'POST', path: '/api/orders/:id/after-sales', caller: 'user', id: 'order', body: 'json', fields: AFTER_SALE_FIELDS },
  { service: 'orders', method: 'GET', path: '/api/orders/:id/after-sales', caller: 'user', id: 'order', query: PAGE },
  // A well-formed request id that names no request: the body and path are still checked before the lookup.
  { service: 'orders', method: 'POST', path: `/api/orders/:id/after-sales/${NO_SUCH_REQUEST}/withdraw`, caller: 'user', id: 'order' },
  { service: 'orders', method: 'GET', path: '/api/orders/admin/after-sales', caller: 'staff', query: [...PAGE, 'status'] },
  { service: 'orders', method: 'POST', path: '/api/orders/admin/after-sales/:id/approve', caller: 'staff', id: 'order', body: 'json', fields: ['refundFen'] },
  { service: 'orders', method: 'POST', path: '/api/orders/admin/after-sales/:id/reject', caller: 'staff', id: 'order', body: 'json', fields: ['reason'] },
  { service: 'orders', method: 'GET', path: '/api/cart', caller: 'user' },
  { service: 'orders', method: 'GET', path: '/api/coupons', caller: 'anyone', query: PAGE },
  { service: 'orders', method: 'POST', path: '/api/coupons/:id/claim', caller: 'user', id: 'coupon' },
  { service: 'orders', method: 'GET', path: '/api/coupons/mine', caller: 'user', query: [...PAGE, 'status'] },
  { service: 'orders', method: 'POST', path: '/api/orders/admin/coupons', caller: 'staff', body: 'json', fields: COUPON_FIELDS },
  { service: 'orders', method: 'GET', path: '/api/orders/admin/coupons', caller: 'staff', query: [...PAGE, 'phase', 'kind'] },
  { service: 'orders', method: 'GET', path: '/api/orders/admin/coupons/:id', caller: 'staff', id: 'coupon' },
  { service: 'orders', method: 'PATCH', path: '/api/orders/admin/coupons/:id', caller: 'staff', id: 'coupon', body: 'json', fields: COUPON_FIELDS },
  { service: 'orders', method: 'PUT', path: '/api/cart/items/:id', caller: 'user', id: 'sku', body: 'json', fields: ['quantity'] },
  { service: 'orders', method: 'DELETE', path: '/api/cart/items/:id', caller: 'user', id: 'sku' },
  { service: 'orders', method: 'GET', path: '/api/appointments/resources', caller: 'anyone', query: PAGE },
  { service: 'orders', method: 'GET', path: '/api/appointments/slots', caller: 'anyone', query: ['resourceId', 'date'] },
  { service: 'orders', method: 'POST', path: '/api/appointments', caller: 'user', body: 'json', fields: ['slotId', 'contact', 'remark'] },
  { service: 'orders', method: 'GET', path: '/api/appointments', caller: 'user', query: [...PAGE, 'status'] },
  { service: 'orders', method: 'GET', path: '/api/appointments/:id', caller: 'user', id: 'appointment' },
  { service: 'orders', method: 'POST', path: '/api/appointments/:id/cancel', caller: 'user', id: 'appointment' },
  { service: 'orders', method: 'GET', path: '/api/appointments/admin/resources', caller: 'staff', query: PAGE },
  { service: 'orders', method: 'POST', path: '/api/appointments/admin/resources', caller: 'staff', body: 'json', fields: ['name', 'kind', 'description'] },
  {
    service: 'orders',
    method: 'PATCH',
    path: '/api/appointments/admin/resources/:id',
    caller: 'staff',
    id: 'resource',
    body: 'json',
    fields: ['name', 'kind', 'description', 'active'],
  },
  { service: 'orders', method: 'GET', path: '/api/appointments/admin/slots', caller: 'staff', query: ['resourceId', 'date'] },
  { service: 'orders', method: 'POST', path: '/api/appointments/admin/slots', caller: 'staff', body: 'json', fields: ['resourceId', 'slots'] },
  { service: 'orders', method: 'PATCH', path: '/api/appointments/admin/slots/:id', caller: 'staff', id: 'slot', body: 'json', fields: ['capacity', 'open'] },
  {
    service: 'orders',
    method: 'GET',
    path: '/api/appointments/admin/bookings',
    caller: 'staff',
    query: [...PAGE, 'status', 'resourceId', 'slotId', 'userId', 'date'],
  },
  { service: 'orders', method: 'POST', path: '/api/appointments/admin/bookings/:id/cancel', caller: 'staff', id: 'appointment' },

  { service: 'upload', method: 'POST', path: '/api/uploads', caller: 'user', body: 'multipart', query: ['public'] },
  { service: 'upload', method: 'POST', path: '/api/uploads/presign', caller: 'user', body: 'json', fields: ['filename', 'mime', 'size', 'public'] },
  { service: 'upload', method: 'GET', path: '/api/uploads/:id', caller: 'anyone', id: 'upload', query: ['variant', 'exp', 'sig'] },
  { service: 'upload', method: 'GET', path: '/api/uploads/:id/content', caller: 'anyone', id: 'upload', query: ['variant', 'exp', 'sig'] },
  { service: 'upload', method: 'POST', path: '/api/uploads/:id/confirm', caller: 'user', id: 'upload' },
  { service: 'upload', method: 'DELETE', path: '/api/uploads/:id', caller: 'user', id: 'upload' },
];
