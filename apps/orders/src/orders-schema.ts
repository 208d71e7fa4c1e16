import { ServiceSchema } from '#libs/database';

/** The tables the orders service owns and the migrations that make them (none yet). */
export const ORDERS_SCHEMA: ServiceSchema = { entities: [], migrations: [] };
