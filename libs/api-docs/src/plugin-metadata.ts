import type { Type } from '@nestjs/common';
import { SwaggerModule } from '@nestjs/swagger';
import type { ModelClasses } from './service-document';

/** What @nestjs/swagger's plugin metadata generator writes: per plugin, `[module import, {ClassName: properties}]` pairs. */
type PluginMetadata = Record<string, { models?: [Promise<Record<string, unknown>>, Record<string, unknown>][] }>;

/** Hands the plugin's metadata (the generated file's default export) to swagger, and answers the classes it describes by name (their schemas' names). */
export async function loadPluginMetadata(metadata: () => Promise<unknown>): Promise<ModelClasses> {
  const loaded = (await metadata()) as PluginMetadata;
  await SwaggerModule.loadPluginMetadata(() => Promise.resolve(loaded));
  const models = new Map<string, Type<unknown>>();
  for (const [moduleImport, classes] of loaded['@nestjs/swagger']?.models ?? []) {
    const exported = await moduleImport;
    for (const name of Object.keys(classes)) if (typeof exported[name] === 'function') models.set(name, exported[name] as Type<unknown>);
  }
  return models;
}
