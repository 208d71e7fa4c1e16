import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { plainToInstance } from 'class-transformer';
import { getMetadataStorage, validateSync, ValidationError } from 'class-validator';

/** Raised at start-up when the environment does not satisfy a service's schema; names every bad variable. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid environment:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

type Constructor<T> = new () => T;

function declaredVariables(schema: Constructor<object>): string[] {
  const metadata = getMetadataStorage().getTargetValidationMetadatas(schema, '', true, false);
  return [...new Set(metadata.map((m) => m.propertyName))];
}

/** `NAME_FILE=/run/secrets/x` stands for `NAME=<contents of x>`, as Docker and Kubernetes mount secrets. */
function resolveFileVariables(names: string[], env: NodeJS.ProcessEnv): { values: Record<string, string | undefined>; problems: string[] } {
  const values: Record<string, string | undefined> = {};
  const problems: string[] = [];
  for (const name of names) {
    const file = env[`${name}_FILE`];
    if (env[name] !== undefined && env[name] !== '') values[name] = env[name];
    else if (file) {
      try {
        values[name] = readFileSync(file, 'utf8').trim();
      } catch {
        problems.push(`${name}_FILE: cannot read ${file}`);
      }
    }
  }
  return { values, problems };
}

function describe(errors: ValidationError[]): string[] {
  return errors.flatMap((error) =>
    Object.values(error.constraints ?? {}).map((text) => (text.startsWith(error.property) ? text : `${error.property}: ${text}`)),
  );
}

/** Reads, converts and validates the variables `schema` declares; throws ConfigError naming each bad one. */
export function loadConfig<T extends object>(schema: Constructor<T>, env: NodeJS.ProcessEnv = process.env): T {
  const { values, problems } = resolveFileVariables(declaredVariables(schema), env);
  const config = plainToInstance(schema, values, { enableImplicitConversion: true, exposeDefaultValues: true });
  problems.push(...describe(validateSync(config, { forbidUnknownValues: false })));
  if (problems.length) throw new ConfigError(problems);
  return Object.freeze(config);
}

/** loadConfig for a main.ts: a bad environment prints the list of problems and exits with status 1, no stack trace. */
export function loadConfigOrExit<T extends object>(schema: Constructor<T>, env: NodeJS.ProcessEnv = process.env): T {
  try {
    return loadConfig(schema, env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
}
