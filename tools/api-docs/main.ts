import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildServiceDocument, loadPluginMetadata, mergeServiceDocuments } from '#libs/api-docs';
import { loadConfig } from '#libs/config';
import { AuthModule } from '../../apps/auth/src/auth.module';
import { AuthEnv } from '../../apps/auth/src/config/auth-env';
import { CatalogModule } from '../../apps/catalog/src/catalog.module';
import { CatalogEnv } from '../../apps/catalog/src/config/catalog-env';
import { OrdersEnv } from '../../apps/orders/src/config/orders-env';
import { OrdersModule } from '../../apps/orders/src/orders.module';
import { UploadEnv } from '../../apps/upload/src/config/upload-env';
import { UploadModule } from '../../apps/upload/src/upload.module';
import { documentationEnv } from './documentation-env';
import metadata from './generated/swagger-metadata';
import { METADATA_DIR, METADATA_FILE, writePluginMetadata } from './plugin-metadata';

const ROOT = join(__dirname, '../../..');
/** Where the document is committed, and read from by the service that serves it. */
const DOCUMENT_FILE = join(ROOT, 'docs/openapi.json');

async function generateDocument(): Promise<string> {
  const models = await loadPluginMetadata(metadata);
  const env = await documentationEnv();
  const documents = {
    auth: await buildServiceDocument('auth', AuthModule.register(loadConfig(AuthEnv, env)), models),
    catalog: await buildServiceDocument('catalog', CatalogModule.register(loadConfig(CatalogEnv, env)), models),
    orders: await buildServiceDocument('orders', OrdersModule.register(loadConfig(OrdersEnv, env)), models),
    upload: await buildServiceDocument('upload', UploadModule.register(loadConfig(UploadEnv, env)), models),
  };
  const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
  return JSON.stringify(mergeServiceDocuments(documents, version), null, 2) + '\n';
}

/** Whether the committed metadata is what the plugin reads from today's sources (written beside it, compared, removed). */
function metadataIsCurrent(): boolean {
  const probe = 'swagger-metadata.check.ts';
  try {
    writePluginMetadata(ROOT, probe);
    return readFileSync(join(ROOT, METADATA_DIR, probe), 'utf8') === readFileSync(join(ROOT, METADATA_DIR, METADATA_FILE), 'utf8');
  } finally {
    rmSync(join(ROOT, METADATA_DIR, probe), { force: true });
  }
}

/**
 * `metadata`: rewrites the plugin metadata from the sources (then build again).
 * `write`: writes docs/openapi.json from the built code. `check`: exits 1 when either committed file is stale.
 */
async function main(command: string | undefined): Promise<void> {
  if (command === 'metadata') {
    // The plugin type-checks the whole program first, the metadata file too: a stale one (a DTO renamed) must not stop it.
    writeFileSync(join(ROOT, METADATA_DIR, METADATA_FILE), 'export default async () => ({});\n');
    return writePluginMetadata(ROOT);
  }
  const generated = await generateDocument();
  if (command === 'write') return writeFileSync(DOCUMENT_FILE, generated);
  if (command !== 'check') throw new Error('usage: api-docs metadata|write|check');
  const stale = [!metadataIsCurrent() && `${METADATA_DIR}/${METADATA_FILE}`, readFileSync(DOCUMENT_FILE, 'utf8') !== generated && 'docs/openapi.json'].filter(
    Boolean,
  );
  if (stale.length) {
    console.error(`stale: ${stale.join(', ')}; run npm run docs:api and commit the result`);
    process.exitCode = 1;
  }
}

main(process.argv[2]).then(
  () => process.exit(),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
