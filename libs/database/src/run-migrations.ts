import { DataSource } from 'typeorm';
import { createDataSourceOptions, ServiceSchema } from './create-data-source-options';

/** Applies a service's pending migrations to its database, each in its own transaction; returns their names. */
export async function runMigrations(url: string, schema: ServiceSchema): Promise<string[]> {
  const dataSource = new DataSource({ ...createDataSourceOptions(url, schema, 2), logging: ['error'] });
  await dataSource.initialize();
  try {
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((migration) => migration.name);
  } finally {
    await dataSource.destroy();
  }
}
