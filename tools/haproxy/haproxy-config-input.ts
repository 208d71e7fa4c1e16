import { SERVICES, ServiceName } from '../stack/cluster-options';

/** One app replica behind the load balancer. */
export interface HaproxyServer {
  name: string;
  host: string;
  port: number;
}

/** The services the public frontend routes to, one backend each. */
export type HaproxyBackendName = ServiceName;

/** The optional HTTPS listener: TLS termination with HTTP/2, plain HTTP redirected, ACME challenges passed through. */
export interface HaproxyTlsInput {
  /** HTTPS listener, e.g. ':443'. */
  bind: string;
  /** Absolute path of a PEM file (certificate chain then key) or of a directory of them (one per domain, chosen by SNI). */
  certificate: string;
  /** Where plain-HTTP requests for /.well-known/acme-challenge/ go (certbot --standalone, lego...); absent: not routed. */
  acmeChallenge?: { host: string; port: number };
  /** Redirect plain HTTP to HTTPS (308), except GET /health and ACME challenges; default true. */
  redirectHttp?: boolean;
  /** Strict-Transport-Security max-age in seconds on HTTPS responses; 0 or absent: no header. */
  hstsMaxAgeSeconds?: number;
}

/** Everything that varies between the local cluster, the VMs and docker-compose. */
export interface HaproxyConfigInput {
  /** Public listener, e.g. '127.0.0.1:8080'. */
  publicBind: string;
  /** Stats page and Prometheus exporter listener, e.g. '127.0.0.1:8404'. */
  statsBind: string;
  /** Absolute path of the unix socket serving the runtime API. */
  runtimeSocket: string;
  backends: Record<HaproxyBackendName, HaproxyServer[]>;
  /** HTTPS in front of the same routes; absent: plain HTTP only (local stack, or TLS ends at a cloud load balancer). */
  tls?: HaproxyTlsInput;
}

/** The backends in the order they appear in the template. */
export const HAPROXY_BACKENDS: readonly HaproxyBackendName[] = SERVICES;

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
    throw new Error(
      `HAProxy config: runtimeSocket must be an absolute path of [A-Za-z0-9._/-], at most ${MAX_SOCKET_PATH} characters, got ${JSON.stringify(value)}`,
    );
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

function checkTls(tls: HaproxyTlsInput, publicBind: string, statsBind: string): void {
  checkBind('tls.bind', tls.bind);
  if (tls.bind === publicBind || tls.bind === statsBind) throw new Error('HAProxy config: tls.bind must differ from publicBind and statsBind');
  if (typeof tls.certificate !== 'string' || !/^\/[A-Za-z0-9._/-]+$/.test(tls.certificate)) {
    throw new Error(`HAProxy config: tls.certificate must be an absolute path of [A-Za-z0-9._/-], got ${JSON.stringify(tls.certificate)}`);
  }
  if (tls.acmeChallenge !== undefined) {
    if (typeof tls.acmeChallenge.host !== 'string' || !HOST.test(tls.acmeChallenge.host))
      throw new Error(`HAProxy config: tls.acmeChallenge.host ${JSON.stringify(tls.acmeChallenge.host)} must be a hostname or an address`);
    if (!isPort(tls.acmeChallenge.port))
      throw new Error(`HAProxy config: tls.acmeChallenge.port ${JSON.stringify(tls.acmeChallenge.port)} must be an integer 1-65535`);
  }
  if (tls.redirectHttp !== undefined && typeof tls.redirectHttp !== 'boolean') throw new Error('HAProxy config: tls.redirectHttp must be a boolean');
  const hsts = tls.hstsMaxAgeSeconds;
  if (hsts !== undefined && (typeof hsts !== 'number' || !Number.isInteger(hsts) || hsts < 0))
    throw new Error(`HAProxy config: tls.hstsMaxAgeSeconds must be a whole number of seconds, got ${JSON.stringify(hsts)}`);
}

/** Throws an Error naming the first invalid field of `input`. */
export function validateHaproxyConfigInput(input: HaproxyConfigInput): void {
  checkBind('publicBind', input.publicBind);
  checkBind('statsBind', input.statsBind);
  if (input.publicBind === input.statsBind) throw new Error('HAProxy config: publicBind and statsBind must differ');
  checkSocket(input.runtimeSocket);
  if (typeof input.backends !== 'object' || input.backends === null) throw new Error('HAProxy config: backends is required');
  for (const backend of HAPROXY_BACKENDS) checkServers(backend, input.backends[backend]);
  if (input.tls !== undefined) checkTls(input.tls, input.publicBind, input.statsBind);
}
