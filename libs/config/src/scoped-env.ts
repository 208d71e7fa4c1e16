/**
 * The environment one service sees when several share a process: every variable, with `<SERVICE>_<NAME>` overriding
 * `<NAME>` (`ORDERS_DATABASE_URL` is orders' `DATABASE_URL`). Splitting the services later needs no renaming: each
 * process then gets its own `DATABASE_URL`.
 */
export function scopedEnv(env: NodeJS.ProcessEnv, service: string): NodeJS.ProcessEnv {
  const prefix = `${service.toUpperCase()}_`;
  const own = Object.entries(env).filter(([name]) => name.startsWith(prefix) && name.length > prefix.length);
  return { ...env, ...Object.fromEntries(own.map(([name, value]) => [name.slice(prefix.length), value])) };
}
