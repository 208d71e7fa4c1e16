import 'reflect-metadata';
import { getMetadataStorage } from 'class-validator';
import { scopedEnv } from '#libs/config';
import { AuthEnv } from '../../apps/auth/src/config/auth-env';
import { CatalogEnv } from '../../apps/catalog/src/config/catalog-env';
import { OrdersEnv } from '../../apps/orders/src/config/orders-env';
import { UploadEnv } from '../../apps/upload/src/config/upload-env';

/** Each app's environment class, by service name. */
export const APP_ENVS = { auth: AuthEnv, catalog: CatalogEnv, orders: OrdersEnv, upload: UploadEnv } as const;

/** A service of APP_ENVS. */
export type AppName = keyof typeof APP_ENVS;

/** The variables an app validates at start-up (each may also be given as NAME_FILE). */
export function declaredVariables(app: AppName): string[] {
  return [
    ...new Set(
      getMetadataStorage()
        .getTargetValidationMetadatas(APP_ENVS[app], '', true, false)
        .map((m) => m.propertyName),
    ),
  ];
}

/** Variables with no default, not optional and not conditional: the app refuses to start without them. */
export function requiredVariables(app: AppName): string[] {
  const schema = APP_ENVS[app] as new () => object;
  const defaults = new schema() as Record<string, unknown>;
  const metadata = getMetadataStorage().getTargetValidationMetadatas(schema, '', true, false);
  const relaxed = new Set(metadata.filter((m) => m.type === 'conditionalValidation').map((m) => m.propertyName));
  return declaredVariables(app).filter((name) => defaults[name] === undefined && !relaxed.has(name));
}

/** The names among `set` that `app` does not read (NAME_FILE counts as NAME). */
export function unknownVariables(app: AppName, set: string[]): string[] {
  const declared = declaredVariables(app);
  return set.filter((name) => !declared.includes(name) && !declared.includes(name.replace(/_FILE$/, '')));
}

/** The required variables of `app` missing from `set` (NAME_FILE counts as NAME). */
export function missingVariables(app: AppName, set: string[]): string[] {
  return requiredVariables(app).filter((name) => !set.includes(name) && !set.includes(`${name}_FILE`));
}

/** What apps/all reads itself (which services to run); every other variable belongs to a service. */
export const ONE_PROCESS_VARIABLES = ['SERVICES'];

/** The name a service's `name` has in a process running every service: `<SERVICE>_<NAME>`, unless it carries the prefix already (UPLOAD_*). */
export function oneProcessName(app: AppName, name: string): string {
  const prefix = `${app.toUpperCase()}_`;
  return name.startsWith(prefix) ? name : `${prefix}${name}`;
}

/** The variables `app` sees in a process running every service (libs/config scopedEnv: `<SERVICE>_<NAME>` is its `<NAME>`). */
export function oneProcessView(app: AppName, set: string[]): string[] {
  return Object.keys(scopedEnv(Object.fromEntries(set.map((name) => [name, 'x'])), app));
}

/** The names among `set` that no service reads, neither as they are nor as its `<SERVICE>_<NAME>`. */
export function unknownOneProcessVariables(set: string[]): string[] {
  const apps = Object.keys(APP_ENVS) as AppName[];
  const read = (app: AppName, name: string) => unknownVariables(app, [name]).length === 0;
  return set.filter(
    (name) =>
      !ONE_PROCESS_VARIABLES.includes(name) &&
      !apps.some((app) => read(app, name) || (name.startsWith(`${app.toUpperCase()}_`) && read(app, name.slice(app.length + 1)))),
  );
}

/** Per service, the required variables a process running every service leaves it without. */
export function missingOneProcessVariables(set: string[]): Partial<Record<AppName, string[]>> {
  const missing = (Object.keys(APP_ENVS) as AppName[]).map((app) => [app, missingVariables(app, oneProcessView(app, set))] as const);
  return Object.fromEntries(missing.filter(([, names]) => names.length));
}
