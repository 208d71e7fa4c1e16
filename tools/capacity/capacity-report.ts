import { SERVICES } from '../stack/cluster-options';
import { CapacityRun, StepRecord } from './capacity-run';
import {
  allInOneRps,
  CapacityMeasurement,
  cpuMsPerMixRequest,
  DEFAULT_POLICY,
  fmt,
  peakRpsForDau,
  perReplicaRps,
  recommend,
  Recommendation,
  SizingPolicy,
  STAGE_TITLES,
} from './sizing';
import { MixEntry } from './traffic-mix';

/** A load the report sizes for: peak requests/s directly, or daily active users. */
export type SizingTarget = { peakRps: number } | { dau: number };

const ms = (value: number) => (value < 10 ? value.toFixed(2) : value.toFixed(0));
const cores = (value: number) => value.toFixed(2);

function stepTable(steps: StepRecord[], knee: StepRecord | undefined): string[] {
  const lines = [
    '| connections | req/s | p50 ms | p99 ms | errors | auth | catalog | orders | upload | MySQL | Redis | HAProxy | NATS | sandbox | wrk | machine |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const step of steps) {
    const c = step.cpu;
    lines.push(
      `| ${step === knee ? `**${step.connections}**` : step.connections} | ${fmt(step.requestsPerSecond)} | ${ms(step.p50Ms)} | ${ms(step.p99Ms)} | ${(step.errorRatio * 100).toFixed(2)}% | ${[c.auth, c.catalog, c.orders, c.upload, c.mysql, c.redis, c.haproxy, c.nats, c.sandbox, c.loadGenerator, c.machine].map(cores).join(' | ')} |`,
    );
  }
  return lines;
}

function machinesText(plan: Recommendation): string {
  return plan.machines.map((machine) => `${machine.count} × ${machine.size.vcpu} vCPU / ${machine.size.memoryGb} GB (${machine.role})`).join('; ');
}

function recommendationSection(label: string, plan: Recommendation, dauLine?: string): string[] {
  return [
    `### ${label}`,
    '',
    ...(dauLine ? [`- Load: ${dauLine}`] : [`- Load: ${fmt(plan.peakRps, 1)} req/s at peak`]),
    `- **${STAGE_TITLES[plan.stage]}**`,
    `- Machines: ${machinesText(plan)}`,
    `- Replicas: ${SERVICES.map((service) => `${service} ${plan.replicas[service]}`).join(', ')}`,
    `- Bandwidth: ${plan.egressMbps} Mbps out, ${plan.ingressMbps} Mbps in`,
    '',
    'Arithmetic:',
    '',
    ...plan.arithmetic.map((line) => `    ${line}`),
    '',
  ];
}

/** The Markdown report of a run: what was measured, per step and per request, and what to run for each target. */
export function capacityReport(
  run: CapacityRun,
  measured: CapacityMeasurement,
  knee: StepRecord | undefined,
  costStep: StepRecord,
  mix: MixEntry[],
  targets: SizingTarget[],
  chartFile: string,
  policy: SizingPolicy = DEFAULT_POLICY,
): string {
  const totalWeight = mix.reduce((sum, entry) => sum + entry.weight, 0);
  const perReplica = perReplicaRps(measured, policy);
  const ourCpu = (step: StepRecord) =>
    SERVICES.reduce((sum, service) => sum + step.cpu[service], 0) +
    step.cpu.haproxy +
    step.cpu.nats +
    step.cpu.sandbox +
    step.cpu.loadGenerator +
    step.cpu.mysql +
    step.cpu.redis;
  const lines: string[] = [
    `# Capacity report, ${run.startedAt}`,
    '',
    `Machine: ${run.machine.cores} cores (${run.machine.cpuModel}), ${fmt(run.machine.memoryMb / 1024, 1)} GB, Node ${run.machine.node}.`,
    `Everything ran on it: one replica of each service, HAProxy, MariaDB, Redis, NATS, the WeChat sandbox and the load generator (wrk),`,
    `so the figures are those of **one ${run.machine.cores}-vCPU VM running the whole stack** (stage 1), with the load generator's share on top.`,
    `Catalog seeded with ${fmt(run.products)} products. Steps of ${run.stepSeconds} s of rising load after a warm-up; p99 target ${run.p99TargetMs} ms (client side, through HAProxy).`,
    '',
    '## Traffic mix',
    '',
    '| request | share | service |',
    '|---|---:|---|',
    ...mix.map((entry) => `| ${entry.what} | ${((entry.weight / totalWeight) * 100).toFixed(0)}% | ${entry.service} |`),
    '',
    '## Throughput and p99 against load',
    '',
    `![throughput and p99 against load](${chartFile})`,
    '',
    'CPU columns: cores busy on average during the step (1.00 = one core all the time), from /proc. "machine" is the whole machine, other work included.',
    '',
    ...stepTable(run.steps, knee),
    '',
  ];
  if (knee) {
    lines.push(
      `**Knee: ${fmt(knee.requestsPerSecond)} req/s at ${knee.connections} connections, p99 ${ms(knee.p99Ms)} ms** (the most throughput within the ${run.p99TargetMs} ms p99 target and under 1% errors).`,
      `At the knee the machine was ${cores(knee.cpu.machine)} of ${run.machine.cores} cores busy; the stack's processes ${cores(ourCpu(knee))} (of which wrk ${cores(knee.cpu.loadGenerator)} and the sandbox ${cores(knee.cpu.sandbox)}, which a real VM does not carry); ${cores(Math.max(0, knee.cpu.machine - ourCpu(knee)))} went to other work on the machine.`,
      '',
    );
  } else {
    lines.push(
      `**No step met the ${run.p99TargetMs} ms p99 target**: the per-request costs below come from the lightest step (${costStep.connections} connection(s)); raise --p99-ms or look at the slow routes.`,
      '',
    );
  }
  lines.push(
    '## Cost per request and per replica',
    '',
    `From the ${knee ? 'knee' : 'lightest'} step (${costStep.connections} connections): CPU of each service's replica over the requests its HAProxy backend answered; a Node.js replica runs its JavaScript on one core, so one replica at ${policy.targetUtilisation * 100}% of a core answers 1000 × ${policy.targetUtilisation} / (CPU ms per request).`,
    '',
    '| service | share of requests | CPU ms per request | req/s per replica at ' + `${policy.targetUtilisation * 100}% | RSS idle MB | RSS peak MB |`,
    '|---|---:|---:|---:|---:|---:|',
    ...SERVICES.map(
      (service) =>
        `| ${service} | ${(measured.share[service] * 100).toFixed(1)}% | ${ms(measured.appCpuMsPerRequest[service])} | ${Number.isFinite(perReplica[service]) ? fmt(perReplica[service]) : '-'} | ${fmt(run.idleRssMb[service])} | ${fmt(measured.replicaRssMb[service])} |`,
    ),
    '',
    '| shared part | CPU ms per request of the mix |',
    '|---|---:|',
    ...(['haproxy', 'mysql', 'redis', 'nats'] as const).map((part) => `| ${part} | ${measured.infraCpuMsPerRequest[part].toFixed(3)} |`),
    '',
    `Bytes per request of the mix through HAProxy: ${fmt(measured.bytesOutPerRequest)} out to clients, ${fmt(measured.bytesInPerRequest)} in from them.`,
    '',
    `One request of the mix costs the whole stack ${cpuMsPerMixRequest(measured).toFixed(2)} ms of CPU (apps weighted by their share, plus HAProxy, MySQL, Redis, NATS; not wrk or the sandbox). ` +
      `So a VM running everything, at ${policy.targetUtilisation * 100}% CPU, answers about **${fmt(allInOneRps(measured, 2, policy))} req/s on 2 vCPU**, ${fmt(allInOneRps(measured, 4, policy))} on 4 and ${fmt(allInOneRps(measured, 8, policy))} on 8 ` +
      `(this arithmetic does not depend on what else the measuring machine was doing, unlike the knee above).`,
    '',
    '## What to run',
    '',
    `Policy: machines planned at ${policy.targetUtilisation * 100}% CPU at peak (the alerts' threshold), replicas' memory × ${policy.rssHeadroom} over the measured peak, ` +
      `${policy.requestsPerUserPerDay} requests per daily active user, peak ${policy.peakToAverage} × the day's average.`,
    '',
  );
  for (const target of targets) {
    if ('dau' in target) {
      const { peakRps, line } = peakRpsForDau(target.dau, policy);
      lines.push(...recommendationSection(`${fmt(target.dau)} daily active users`, recommend(measured, peakRps, policy), line));
    } else {
      lines.push(...recommendationSection(`${fmt(target.peakRps)} req/s at peak`, recommend(measured, target.peakRps, policy)));
    }
  }
  lines.push(
    '## Growth ladder',
    '',
    '| daily active users | peak req/s | stage | machines | replicas (auth/catalog/orders/upload) | egress |',
    '|---:|---:|---|---|---|---:|',
  );
  for (const dau of [1_000, 10_000, 50_000, 100_000, 300_000, 1_000_000, 3_000_000]) {
    const { peakRps } = peakRpsForDau(dau, policy);
    const plan = recommend(measured, peakRps, policy);
    lines.push(
      `| ${fmt(dau)} | ${fmt(peakRps, 1)} | ${STAGE_TITLES[plan.stage].split(':')[0]} | ${machinesText(plan)} | ${SERVICES.map((s) => plan.replicas[s]).join('/')} | ${plan.egressMbps} Mbps |`,
    );
  }
  lines.push(
    '',
    '## Reading these figures',
    '',
    '- Closed-loop load: each wrk connection sends its next request when the last is answered, so throughput flattens and p99 climbs once the machine is saturated; the knee is where p99 leaves the target.',
    '- Per-request CPU is measured on this machine: a cloud vCPU may be slower (often a hyper-thread); re-run `npm run capacity` on the target VM type before buying many of them.',
    "- MySQL and Redis are the machine's shared servers: other work on them during the run is counted as theirs. The sandbox and wrk are not part of a real deployment.",
    "- Memory per replica is the peak resident set during the run; MySQL's buffer pool is planned at 1 GB on one VM and at about half the database VM's memory once split.",
    '- Egress counts the API only: images and files served from object storage or a CDN do not pass through these VMs.',
    '',
  );
  return lines.join('\n');
}
