/** One app replica behind the load balancer. */
export interface HaproxyServer {
  name: string;
  host: string;
  port: number;
}

/** The services the public frontend routes to, one backend each. */
export type HaproxyBackendName = 'auth' | 'catalog' | 'orders' | 'upload';

/** Everything that varies between the local cluster, the VMs and docker-compose. */
export interface HaproxyConfigInput {
  /** Public listener, e.g. '127.0.0.1:8080'. */
  publicBind: string;
  /** Stats page and Prometheus exporter listener, e.g. '127.0.0.1:8404'. */
  statsBind: string;
  /** Absolute path of the unix socket serving the runtime API. */
  runtimeSocket: string;
  backends: Record<HaproxyBackendName, HaproxyServer[]>;
}

/** The backends in the order they appear in the template. */
export const HAPROXY_BACKENDS: readonly HaproxyBackendName[] = ['auth', 'catalog', 'orders', 'upload'];

const SERVER_NAME = /^[a-z0-9-]+$/;
const HOST = /^(?:[A-Za-z0-9._-]+|\[[0-9A-Fa-f:.]+\])$/;
const BIND = /^((?:[A-Za-z0-9.*_-]*|\[[0-9A-Fa-f:.]+\])):(\d+)$/;
// HAProxy 2.6 refuses longer paths: it binds "<path>.<pid>.tmp" first, within sun_path's 108 bytes.
const MAX_SOCKET_PATH = 97;

function isPort(port: unknown): port is number {
  return typeof port === 'number' && Number.isInteger(port) && port >= 1 && port <= 65535;
}

function checkBind(field: string, value: unknown): void {
  const match = typeof value === 'string' ? BIND.exec(value) : null;
  if (!match || !isPort(Number(match[2]))) {
    throw new Error(`HAProxy config: ${field} must be "<host>:<port>" with a port 1-65535, got ${JSON.stringify(value)}`);
  }
}

function checkSocket(value: unknown): void {
  if (typeof value !== 'string' || !/^\/[A-Za-z0-9._/-]+$/.test(value) || value.length > MAX_SOCKET_PATH) {
    throw new Error(`HAProxy config: runtimeSocket must be an absolute path of [A-Za-z0-9._/-], at most ${MAX_SOCKET_PATH} characters, got ${JSON.stringify(value)}`);
  }
}

function checkServers(backend: HaproxyBackendName, servers: unknown): void {
  if (!Array.isArray(servers)) throw new Error(`HAProxy config: backends.${backend} must be an array of servers`);
  const seen = new Set<string>();
  for (const server of servers as Partial<HaproxyServer>[]) {
    const where = `backends.${backend} server ${JSON.stringify(server?.name)}`;
    if (typeof server?.name !== 'string' || !SERVER_NAME.test(server.name)) {
      throw new Error(`HAProxy config: ${where}: name must match [a-z0-9-]+`);
    }
    if (seen.has(server.name)) throw new Error(`HAProxy config: ${where}: duplicate name`);
    seen.add(server.name);
    if (typeof server.host !== 'string' || !HOST.test(server.host)) {
      throw new Error(`HAProxy config: ${where}: host ${JSON.stringify(server.host)} must be a hostname, an IPv4 address or a bracketed IPv6 address`);
    }
    if (!isPort(server.port)) throw new Error(`HAProxy config: ${where}: port ${JSON.stringify(server.port)} must be an integer 1-65535`);
  }
}

/** Throws an Error naming the first invalid field of `input`. */
export function validateHaproxyConfigInput(input: HaproxyConfigInput): void {
  checkBind('publicBind', input.publicBind);
  checkBind('statsBind', input.statsBind);
  if (input.publicBind === input.statsBind) throw new Error('HAProxy config: publicBind and statsBind must differ');
  checkSocket(input.runtimeSocket);
  if (typeof input.backends !== 'object' || input.backends === null) throw new Error('HAProxy config: backends is required');
  for (const backend of HAPROXY_BACKENDS) checkServers(backend, input.backends[backend]);
}
