import { ServiceSchema } from '#libs/database';

/** The tables the catalog service owns and the migrations that make them (none yet). */
export const CATALOG_SCHEMA: ServiceSchema = { entities: [], migrations: [] };
