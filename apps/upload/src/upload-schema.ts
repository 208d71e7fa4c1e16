import { ServiceSchema } from '#libs/database';

/** The tables the upload service owns and the migrations that make them (none yet). */
export const UPLOAD_SCHEMA: ServiceSchema = { entities: [], migrations: [] };
