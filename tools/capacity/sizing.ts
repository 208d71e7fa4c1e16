import { SERVICES, ServiceName } from '../stack/cluster-options';

/** The infrastructure processes whose CPU is measured beside the apps. */
export const INFRA = ['haproxy', 'mysql', 'redis', 'nats'] as const;
export type Infra = (typeof INFRA)[number];

/** One load step as measured: what was offered and what came back. */
export interface StepResult {
  connections: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Non-2xx/3xx answers and socket errors over all requests. */
  errorRatio: number;
}

/** What a run of `npm run capacity` measured, reduced to the figures the sizing needs. */
export interface CapacityMeasurement {
  /** The machine the run was on. */
  machine: { cores: number; memoryMb: number };
  p99TargetMs: number;
  steps: StepResult[];
  /** Share of the mix's requests each service answered (sums to 1). */
  share: Record<ServiceName, number>;
  /** CPU milliseconds a service's replicas spent per request of that service. */
  appCpuMsPerRequest: Record<ServiceName, number>;
  /** CPU milliseconds HAProxy, MySQL, Redis and NATS spent per request of the whole mix. */
  infraCpuMsPerRequest: Record<Infra, number>;
  /** Peak resident memory of one replica of each service, MB. */
  replicaRssMb: Record<ServiceName, number>;
  /** Bytes sent to clients and received from them per request of the mix (HAProxy's frontend). */
  bytesOutPerRequest: number;
  bytesInPerRequest: number;
}

/** Planning policy: how busy a machine may be at peak, and what a user does in a day. */
export interface SizingPolicy {
  /** CPU utilisation at the planned peak (the alerts fire at 0.7 sustained). */
  targetUtilisation: number;
  requestsPerUserPerDay: number;
  /** Peak requests/s over the day's average (mini-program traffic bunches at lunch and in the evening). */
  peakToAverage: number;
  /** Resident memory headroom of a replica over its measured peak (GC, caches growing with traffic). */
  rssHeadroom: number;
}

export const DEFAULT_POLICY: SizingPolicy = { targetUtilisation: 0.7, requestsPerUserPerDay: 40, peakToAverage: 5, rssHeadroom: 1.5 };

/** VM sizes the recommendation picks from: the usual general-purpose cloud shapes. */
export const VM_SIZES = [
  { vcpu: 2, memoryGb: 4 },
  { vcpu: 4, memoryGb: 8 },
  { vcpu: 8, memoryGb: 16 },
  { vcpu: 16, memoryGb: 32 },
] as const;
export type VmSize = (typeof VM_SIZES)[number];

/** Bandwidth plans a VM is sold with, Mbps. */
export const BANDWIDTH_MBPS = [1, 2, 3, 5, 10, 20, 30, 50, 100, 200, 500, 1000];

/** Memory beside the apps: OS, MySQL's buffer pool, Redis, NATS and HAProxy on one machine (MB). */
export const MEMORY_MB = { os: 768, mysqlSmall: 1024, redis: 256, nats: 64, haproxy: 64 };

/** The stages of the seed's growth path. */
export type Stage = 'one-small-vm' | 'one-bigger-vm' | 'split-database-and-cache' | 'app-replicas';

export const STAGE_TITLES: Record<Stage, string> = {
  'one-small-vm': 'Stage 1: one small VM (everything on it)',
  'one-bigger-vm': 'Stage 2: one bigger VM (everything on it)',
  'split-database-and-cache': 'Stage 3: database and cache on their own VMs, the apps on one VM',
  'app-replicas': 'Stage 4: N app VMs with replicas behind HAProxy, database and cache on their own VMs',
};

/** One machine of a recommendation. */
export interface MachinePlan {
  role: string;
  count: number;
  size: VmSize;
}

/** What to run for a peak load, with the arithmetic that led there. */
export interface Recommendation {
  peakRps: number;
  stage: Stage;
  machines: MachinePlan[];
  replicas: Record<ServiceName, number>;
  egressMbps: number;
  ingressMbps: number;
  /** One line per step of the arithmetic, in order. */
  arithmetic: string[];
}

/** The highest measured step whose p99 met the target with under 1% errors (undefined when none did). */
export function kneeStep(steps: StepResult[], p99TargetMs: number, maxErrorRatio = 0.01): StepResult | undefined {
  return steps.filter((step) => step.p99Ms <= p99TargetMs && step.errorRatio < maxErrorRatio).sort((a, b) => b.requestsPerSecond - a.requestsPerSecond)[0];
}

/** Daily active users → peak requests per second under `policy`. */
export function peakRpsForDau(dau: number, policy: SizingPolicy = DEFAULT_POLICY): { peakRps: number; line: string } {
  const daily = dau * policy.requestsPerUserPerDay;
  const average = daily / 86400;
  const peakRps = average * policy.peakToAverage;
  return {
    peakRps,
    line: `${fmt(dau)} DAU × ${policy.requestsPerUserPerDay} requests/day = ${fmt(daily)} requests/day; / 86,400 s = ${fmt(average, 2)} req/s on average; × ${policy.peakToAverage} peak/average = ${fmt(peakRps, 1)} req/s at peak`,
  };
}

/** Requests/s one replica of each service answers at the target utilisation of one core (a Node.js replica runs on one). */
export function perReplicaRps(measured: CapacityMeasurement, policy: SizingPolicy = DEFAULT_POLICY): Record<ServiceName, number> {
  return Object.fromEntries(
    SERVICES.map((service) => [
      service,
      measured.appCpuMsPerRequest[service] > 0 ? (1000 * policy.targetUtilisation) / measured.appCpuMsPerRequest[service] : Infinity,
    ]),
  ) as Record<ServiceName, number>;
}

/** CPU milliseconds one request of the mix costs the whole stack: apps weighted by their share, plus the shared parts. */
export function cpuMsPerMixRequest(measured: CapacityMeasurement): number {
  const apps = SERVICES.reduce((total, service) => total + measured.share[service] * measured.appCpuMsPerRequest[service], 0);
  return apps + INFRA.reduce((total, part) => total + measured.infraCpuMsPerRequest[part], 0);
}

/** Requests/s of the mix one VM of `vcpu` running the whole stack answers at the target utilisation. */
export function allInOneRps(measured: CapacityMeasurement, vcpu: number, policy: SizingPolicy = DEFAULT_POLICY): number {
  return (vcpu * policy.targetUtilisation * 1000) / cpuMsPerMixRequest(measured);
}

/** Sizes the deployment for `peakRps` of the measured mix. Pure arithmetic: every figure comes from `measured` and `policy`. */
export function recommend(measured: CapacityMeasurement, peakRps: number, policy: SizingPolicy = DEFAULT_POLICY): Recommendation {
  const u = policy.targetUtilisation;
  const lines: string[] = [];
  const appCores = {} as Record<ServiceName, number>;
  for (const service of SERVICES) {
    appCores[service] = (peakRps * measured.share[service] * measured.appCpuMsPerRequest[service]) / 1000;
    lines.push(
      `${service}: ${fmt(peakRps, 1)} req/s × ${pct(measured.share[service])} of the mix × ${fmt(measured.appCpuMsPerRequest[service], 2)} ms CPU = ${fmt(appCores[service], 2)} cores`,
    );
  }
  const infraCores = {} as Record<Infra, number>;
  for (const part of INFRA) {
    infraCores[part] = (peakRps * measured.infraCpuMsPerRequest[part]) / 1000;
    lines.push(`${part}: ${fmt(peakRps, 1)} req/s × ${fmt(measured.infraCpuMsPerRequest[part], 3)} ms CPU = ${fmt(infraCores[part], 2)} cores`);
  }
  const apps = sum(Object.values(appCores));
  const all = apps + sum(Object.values(infraCores));
  const allInOne = all / u;
  lines.push(`all on one VM: ${fmt(all, 2)} cores busy / ${u} target utilisation = ${fmt(allInOne, 2)} vCPU`);

  const replicaMemory = (service: ServiceName) => measured.replicaRssMb[service] * policy.rssHeadroom;
  const infraMemory = MEMORY_MB.os + MEMORY_MB.mysqlSmall + MEMORY_MB.redis + MEMORY_MB.nats + MEMORY_MB.haproxy;

  const egressMbps = (peakRps * measured.bytesOutPerRequest * 8) / 1e6;
  const ingressMbps = (peakRps * measured.bytesInPerRequest * 8) / 1e6;
  lines.push(
    `egress: ${fmt(peakRps, 1)} req/s × ${fmt(measured.bytesOutPerRequest)} bytes × 8 = ${fmt(egressMbps, 2)} Mbps; / ${u} = ${fmt(egressMbps / u, 2)} Mbps → plan of ${bandwidthPlan(egressMbps / u)} Mbps`,
  );
  lines.push(`ingress: ${fmt(peakRps, 1)} req/s × ${fmt(measured.bytesInPerRequest)} bytes × 8 = ${fmt(ingressMbps, 2)} Mbps`);

  const replicasFor = (minimum: number) =>
    Object.fromEntries(SERVICES.map((service) => [service, Math.max(minimum, Math.ceil(appCores[service] / u))])) as Record<ServiceName, number>;

  let stage: Stage;
  let machines: MachinePlan[];
  let replicas = replicasFor(1);
  const singleMemory = sum(SERVICES.map((service) => replicas[service] * replicaMemory(service))) + infraMemory;
  const single = VM_SIZES.find((size) => size.vcpu <= 8 && size.vcpu >= allInOne && size.memoryGb * 1024 >= singleMemory);
  if (single) {
    stage = single.vcpu <= 2 ? 'one-small-vm' : 'one-bigger-vm';
    lines.push(
      `memory: replicas ${SERVICES.map((s) => `${replicas[s]} × ${fmt(replicaMemory(s))} MB`).join(' + ')} + ${infraMemory} MB (OS, MySQL, Redis, NATS, HAProxy) = ${fmt(singleMemory)} MB`,
    );
    machines = [{ role: 'all-in-one: HAProxy, apps, MySQL, Redis, NATS', count: 1, size: single }];
    lines.push(`→ ${single.vcpu} vCPU / ${single.memoryGb} GB holds ${fmt(allInOne, 2)} vCPU and ${fmt(singleMemory)} MB`);
  } else {
    const dbCores = infraCores.mysql / u;
    const cacheCores = (infraCores.redis + infraCores.nats) / u;
    const appVmCores = (apps + infraCores.haproxy) / u;
    replicas = replicasFor(2);
    lines.push(`over 8 vCPU on one VM: the database (${fmt(dbCores, 2)} vCPU) and Redis + NATS (${fmt(cacheCores, 2)} vCPU) move out`);
    const database = smallestVm(dbCores, 8);
    const cache = smallestVm(cacheCores, 4);
    if (appVmCores <= 8) {
      stage = 'split-database-and-cache';
      const memory = sum(SERVICES.map((service) => replicas[service] * replicaMemory(service))) + MEMORY_MB.os + MEMORY_MB.haproxy;
      const size = VM_SIZES.find((candidate) => candidate.vcpu >= appVmCores && candidate.memoryGb * 1024 >= memory) ?? VM_SIZES[VM_SIZES.length - 1];
      lines.push(`apps + HAProxy: ${fmt(appVmCores, 2)} vCPU, ${fmt(memory)} MB → one ${size.vcpu} vCPU / ${size.memoryGb} GB VM`);
      machines = [
        { role: 'apps + HAProxy', count: 1, size },
        { role: 'MySQL', count: 1, size: database },
        { role: 'Redis + NATS', count: 1, size: cache },
      ];
    } else {
      stage = 'app-replicas';
      const appVm = VM_SIZES[2];
      const perVm = appVm.vcpu * u;
      // Past one app VM the apps run on at least two, so that losing a VM leaves every service served.
      const count = Math.max(2, Math.ceil(apps / perVm));
      lines.push(
        `apps: ${fmt(apps, 2)} cores busy / (${appVm.vcpu} vCPU × ${u}) = ${fmt(apps / perVm, 2)} → ${count} app VMs of ${appVm.vcpu} vCPU / ${appVm.memoryGb} GB (at least two)`,
      );
      lines.push(`HAProxy: ${fmt(infraCores.haproxy / u, 2)} vCPU → its own VM (two with a floating address for failover)`);
      machines = [
        { role: 'HAProxy', count: 2, size: smallestVm(infraCores.haproxy / u, 16) },
        { role: 'apps', count, size: appVm },
        { role: 'MySQL', count: 1, size: database },
        { role: 'Redis + NATS', count: 1, size: cache },
      ];
    }
    lines.push(
      `MySQL: ${fmt(dbCores, 2)} vCPU → ${database.vcpu} vCPU / ${database.memoryGb} GB (buffer pool about half of it); Redis + NATS: ${fmt(cacheCores, 2)} vCPU → ${cache.vcpu} vCPU / ${cache.memoryGb} GB`,
    );
  }
  lines.push(
    `replicas (one core each at ${u}, ${stage === 'one-small-vm' || stage === 'one-bigger-vm' ? 'at least one' : 'at least two for failover'}): ${SERVICES.map((s) => `${s} ${replicas[s]}`).join(', ')}`,
  );
  return { peakRps, stage, machines, replicas, egressMbps: bandwidthPlan(egressMbps / u), ingressMbps: bandwidthPlan(ingressMbps / u), arithmetic: lines };
}

/** The smallest bandwidth plan at or above `mbps`. */
export function bandwidthPlan(mbps: number): number {
  return BANDWIDTH_MBPS.find((plan) => plan >= mbps) ?? Math.ceil(mbps / 1000) * 1000;
}

function smallestVm(vcpu: number, atMost: number): VmSize {
  return VM_SIZES.find((size) => size.vcpu >= vcpu && size.vcpu <= atMost) ?? VM_SIZES.filter((size) => size.vcpu <= atMost).slice(-1)[0];
}

const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);
const pct = (ratio: number) => `${(ratio * 100).toFixed(1)}%`;

/** A number for people: grouped thousands, `digits` decimals. */
export function fmt(value: number, digits = 0): string {
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}
