import 'reflect-metadata';
import { getMetadataStorage } from 'class-validator';
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
