import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { HAPROXY_BACKENDS, HaproxyBackendName, HaproxyTlsInput } from '../../haproxy/haproxy-config-input';

/** `all`: a process running every service (apps/all, unit mp-all@<port>), a server of every HAProxy backend. */
export const ALL_SERVICES = 'all';

/** What a replica runs: one service, or all of them in one process. */
export type InventoryService = HaproxyBackendName | typeof ALL_SERVICES;

/** What an inventory host may list under `services`, in the order replicas are listed. */
export const INVENTORY_SERVICES: readonly InventoryService[] = [...HAPROXY_BACKENDS, ALL_SERVICES];

/** One app VM: its address and, per service (or `all`), the ports of the replicas it runs (one systemd unit each). */
export interface InventoryHost {
  name: string;
  address: string;
  services: Partial<Record<InventoryService, number[]>>;
}

/** One HAProxy node: where its config lives and how to reach its runtime API (on that node). */
export interface InventoryBalancer {
  name: string;
  address: string;
  /** The config file HAProxy reads (/etc/haproxy/haproxy.cfg). */
  config: string;
  runtimeSocket: string;
  publicBind: string;
  /** Stats page and Prometheus exporter: a private address only. */
  statsBind: string;
  tls?: HaproxyTlsInput;
}

/** Hosts and roles of a VM deployment (deploy/vm/inventory.example.yml). */
export interface Inventory {
  ssh: { user?: string; port?: number; options: string[] };
  /** Prefix of the commands that need root on a host (tee, mv, haproxy -c, socat): ["sudo"] or []. */
  become: string[];
  /** How systemctl is run on a host: ["sudo", "systemctl"]. */
  systemctl: string[];
  /** Unit name of a replica: mp-<service>@<port>. */
  unitPrefix: string;
  timeouts: { drainSeconds: number; readySeconds: number; upSeconds: number };
  balancers: InventoryBalancer[];
  hosts: InventoryHost[];
}

/** One replica: the HAProxy server name is `<host>-<port>`, its unit `mp-<service>@<port>` (`mp-all@<port>`). */
export interface InventoryReplica {
  host: InventoryHost;
  service: InventoryService;
  /** The HAProxy backends listing it: its service's, or every one for `all`. */
  backends: HaproxyBackendName[];
  port: number;
  server: string;
  unit: string;
}

const NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
const ADDRESS = /^[A-Za-z0-9.:_-]+$/;

function fail(message: string): never {
  throw new Error(`inventory: ${message}`);
}

function stringList(value: unknown, field: string, fallback: string[]): string[] {
  if (value === undefined) return fallback;
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) fail(`${field} must be a list of strings`);
  return value as string[];
}

function positive(value: unknown, field: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) fail(`${field} must be a whole number >= 1`);
  return value;
}

function knownKeys(object: Record<string, unknown>, allowed: string[], where: string): void {
  const unknown = Object.keys(object).filter((key) => !allowed.includes(key));
  if (unknown.length) fail(`${where}: unknown key(s) ${unknown.join(', ')} (allowed: ${allowed.join(', ')})`);
}

function parseHost(raw: Record<string, unknown>, index: number): InventoryHost {
  const where = `hosts[${index}]`;
  knownKeys(raw, ['name', 'address', 'services'], where);
  if (typeof raw.name !== 'string' || !NAME.test(raw.name)) fail(`${where}.name must be [a-z0-9-]+`);
  if (typeof raw.address !== 'string' || !ADDRESS.test(raw.address)) fail(`${where}.address must be a host name or address`);
  const services = (raw.services ?? {}) as Record<string, unknown>;
  knownKeys(services, [...INVENTORY_SERVICES], `${where}.services`);
  for (const [service, ports] of Object.entries(services)) {
    if (!Array.isArray(ports) || ports.some((p) => typeof p !== 'number' || !Number.isInteger(p) || p < 1 || p > 65535))
      fail(`${where}.services.${service} must be a list of ports`);
  }
  return { name: raw.name, address: raw.address, services: services };
}

function parseBalancer(raw: Record<string, unknown>, index: number): InventoryBalancer {
  const where = `balancers[${index}]`;
  knownKeys(raw, ['name', 'address', 'config', 'runtimeSocket', 'publicBind', 'statsBind', 'tls'], where);
  for (const field of ['name', 'address', 'config', 'runtimeSocket', 'publicBind', 'statsBind']) {
    if (typeof raw[field] !== 'string' || raw[field] === '') fail(`${where}.${field} is required`);
  }
  if (!NAME.test(raw.name as string)) fail(`${where}.name must be [a-z0-9-]+`);
  return raw as unknown as InventoryBalancer;
}

/** Parses and checks an inventory (YAML or JSON text); throws naming the first bad field. */
export function parseInventory(text: string): Inventory {
  const raw = (parse(text) ?? {}) as Record<string, unknown>;
  knownKeys(raw, ['ssh', 'become', 'systemctl', 'unitPrefix', 'timeouts', 'balancers', 'hosts'], 'top level');
  const ssh = (raw.ssh ?? {}) as Record<string, unknown>;
  knownKeys(ssh, ['user', 'port', 'options'], 'ssh');
  const timeouts = (raw.timeouts ?? {}) as Record<string, unknown>;
  knownKeys(timeouts, ['drainSeconds', 'readySeconds', 'upSeconds'], 'timeouts');
  if (!Array.isArray(raw.balancers) || raw.balancers.length === 0) fail('balancers must list at least one HAProxy node');
  if (!Array.isArray(raw.hosts)) fail('hosts must be a list');
  const inventory: Inventory = {
    ssh: {
      user: ssh.user as string | undefined,
      port: ssh.port === undefined ? undefined : positive(ssh.port, 'ssh.port', 22),
      options: stringList(ssh.options, 'ssh.options', []),
    },
    become: stringList(raw.become, 'become', ['sudo']),
    systemctl: stringList(raw.systemctl, 'systemctl', ['sudo', 'systemctl']),
    unitPrefix: typeof raw.unitPrefix === 'string' ? raw.unitPrefix : 'mp-',
    timeouts: {
      drainSeconds: positive(timeouts.drainSeconds, 'timeouts.drainSeconds', 60),
      readySeconds: positive(timeouts.readySeconds, 'timeouts.readySeconds', 60),
      upSeconds: positive(timeouts.upSeconds, 'timeouts.upSeconds', 30),
    },
    balancers: (raw.balancers as Record<string, unknown>[]).map(parseBalancer),
    hosts: (raw.hosts as Record<string, unknown>[]).map(parseHost),
  };
  const names = [...inventory.hosts, ...inventory.balancers].map((h) => h.name);
  const duplicate = names.find((name, i) => names.indexOf(name) !== i);
  if (duplicate) fail(`the name "${duplicate}" is used twice`);
  for (const host of inventory.hosts) {
    const ports = Object.values(host.services).flat();
    const clash = ports.find((port, i) => ports.indexOf(port) !== i);
    if (clash !== undefined) fail(`host ${host.name} uses port ${clash} twice`);
  }
  return inventory;
}

/** Reads an inventory file. */
export function readInventory(file: string): Inventory {
  return parseInventory(readFileSync(file, 'utf8'));
}

/** The replicas of `hosts`, in inventory order. */
export function replicasOf(inventory: Inventory, hosts: InventoryHost[] = inventory.hosts): InventoryReplica[] {
  return hosts.flatMap((host) =>
    INVENTORY_SERVICES.flatMap((service) =>
      (host.services[service] ?? []).map((port) => ({
        host,
        service,
        backends: service === ALL_SERVICES ? [...HAPROXY_BACKENDS] : [service],
        port,
        server: `${host.name}-${port}`,
        unit: `${inventory.unitPrefix}${service}@${port}`,
      })),
    ),
  );
}

/** The host named `name`; throws listing the known ones. */
export function requireHost(inventory: Inventory, name: string): InventoryHost {
  const host = inventory.hosts.find((h) => h.name === name);
  if (!host) throw new Error(`inventory: no host "${name}" (hosts: ${inventory.hosts.map((h) => h.name).join(', ') || 'none'})`);
  return host;
}
