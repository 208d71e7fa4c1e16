import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { findRepoRoot } from '#libs/config';

/** One problem found in a document: where (JSON pointer) and what. */
export interface SchemaProblem {
  path: string;
  message: string;
}

/** Ajv in strict mode (unknown keywords and formats in a schema are errors) reporting every error. */
export function strictAjv(): Ajv {
  // strictTypes is off: it judges how a schema is written (the compose spec omits some "type"s), not the data.
  const ajv = new Ajv({ strict: true, strictTypes: false, allErrors: true });
  // The compose spec names draft-07 by its https URL; Ajv registers it under the http one.
  const draft7 = JSON.parse(readFileSync(require.resolve('ajv/dist/refs/json-schema-draft-07.json'), 'utf8')) as Record<string, unknown>;
  ajv.addMetaSchema({ ...draft7, $id: 'https://json-schema.org/draft-07/schema' });
  return ajv;
}

/** The problems Ajv reported, readable. */
export function describeErrors(errors: ErrorObject[] | null | undefined): SchemaProblem[] {
  return (errors ?? []).map((error) => ({
    path: error.instancePath || '/',
    message:
      error.keyword === 'additionalProperties'
        ? `unknown key "${(error.params as { additionalProperty: string }).additionalProperty}"`
        : (error.message ?? error.keyword),
  }));
}

let composeValidator: ValidateFunction | undefined;

/**
 * The official Compose Specification schema (as shipped by the dclint package): every object that the spec
 * closes has `additionalProperties: false`, so an unknown or misspelt key is an error; `x-` keys are allowed.
 */
export function validateCompose(document: unknown): SchemaProblem[] {
  if (!composeValidator) {
    const schemaFile = join(findRepoRoot(__dirname), 'node_modules', 'dclint', 'schemas', 'compose.schema.json');
    composeValidator = strictAjv().compile(JSON.parse(readFileSync(schemaFile, 'utf8')) as object);
  }
  return composeValidator(document) ? [] : describeErrors(composeValidator.errors);
}

/** A compose file as compose reads it: YAML with `<<` merge keys resolved, before ${VAR} interpolation. */
export function readComposeFile(file: string): Record<string, unknown> {
  return parse(readFileSync(file, 'utf8'), { merge: true }) as Record<string, unknown>;
}

type Mapping = Record<string, unknown>;
const isMapping = (value: unknown): value is Mapping => typeof value === 'object' && value !== null && !Array.isArray(value);

/** `depends_on` and `networks` may be lists of names: as a mapping, the way compose merges them. */
function asMapping(value: unknown, entry: (name: string) => unknown): unknown {
  return Array.isArray(value) ? Object.fromEntries((value as string[]).map((name) => [name, entry(name)])) : value;
}

/** Where a service volume is mounted: the key compose merges volumes by. */
function mountTarget(volume: unknown): string {
  if (isMapping(volume)) return String(volume.target);
  const parts = String(volume).split(':');
  return parts.length === 1 ? parts[0] : parts[1];
}

function mergeService(base: Mapping, override: Mapping): Mapping {
  const merged: Mapping = { ...base };
  for (const [key, value] of Object.entries(override)) {
    const current = merged[key];
    if (key === 'depends_on') {
      const entry = () => ({ condition: 'service_started', required: true });
      merged[key] = { ...(asMapping(current, entry) as Mapping), ...(asMapping(value, entry) as Mapping) };
    } else if (key === 'networks') {
      merged[key] = { ...(asMapping(current, () => null) as Mapping), ...(asMapping(value, () => null) as Mapping) };
    } else if (key === 'volumes' && Array.isArray(current) && Array.isArray(value)) {
      const byTarget = new Map(current.map((volume) => [mountTarget(volume), volume] as const));
      for (const volume of value as unknown[]) byTarget.set(mountTarget(volume), volume);
      merged[key] = [...byTarget.values()];
    } else if (Array.isArray(value) && Array.isArray(current) && !['command', 'entrypoint'].includes(key)) {
      // ports, secrets, profiles...: compose keeps both files' entries.
      merged[key] = [...new Set([...(current as unknown[]), ...(value as unknown[])])];
    } else if (!isMapping(value) || !isMapping(current)) {
      merged[key] = value;
    } else merged[key] = deepMerge(current, value);
  }
  return merged;
}

function deepMerge(base: Mapping, override: Mapping): Mapping {
  const merged: Mapping = { ...base };
  for (const [key, value] of Object.entries(override)) merged[key] = isMapping(value) && isMapping(merged[key]) ? deepMerge(merged[key], value) : value;
  return merged;
}

/**
 * `docker compose -f base -f override` as a document, by the Compose Specification's merge rules for what our files
 * use: mappings merged key by key, `depends_on` and `networks` lists read as mappings, volumes replaced by mount
 * target, `command`/`entrypoint` replaced. There is no compose CLI where the specs run, so this stands in for `config`.
 */
export function mergeComposeFiles(base: Mapping, override: Mapping): Mapping {
  const merged = deepMerge(base, { ...override, services: {} });
  const services = { ...(base.services as Mapping) };
  for (const [name, service] of Object.entries((override.services ?? {}) as Mapping)) {
    services[name] = services[name] ? mergeService(services[name] as Mapping, service as Mapping) : service;
  }
  return { ...merged, services };
}
