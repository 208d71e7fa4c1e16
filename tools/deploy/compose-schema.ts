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
