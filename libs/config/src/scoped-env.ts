/**
 * The environment one service sees when several share a process: every variable, with `<SERVICE>_<NAME>` overriding
 * `<NAME>` (`ORDERS_DATABASE_URL` is orders' `DATABASE_URL`, `ORDERS_DATABASE_URL_FILE` its `DATABASE_URL_FILE`).
 * Splitting the services later needs no renaming: each process then gets its own `DATABASE_URL`.
 */
export function scopedEnv(env: NodeJS.ProcessEnv, service: string): NodeJS.ProcessEnv {
  const prefix = `${service.toUpperCase()}_`;
  const own = new Map(
    Object.entries(env)
      .filter(([name]) => name.startsWith(prefix) && name.length > prefix.length)
      .map(([name, value]) => [name.slice(prefix.length), value]),
  );
  const scoped: NodeJS.ProcessEnv = { ...env, ...Object.fromEntries(own) };
  // A plain value wins over its `_FILE`: the shared `<NAME>` must not hide the service's own `<SERVICE>_<NAME>_FILE`.
  for (const name of own.keys()) if (name.endsWith('_FILE') && !own.has(name.slice(0, -'_FILE'.length))) delete scoped[name.slice(0, -'_FILE'.length)];
  return scoped;
}
