import { cpus, totalmem } from 'node:os';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { parseMetrics } from '../../libs/testing/src/metrics-scrape';
import { runWrk } from '../bench/wrk-runner';
import { SERVICES, ServiceName } from '../stack/cluster-options';
import { LocalCluster } from '../stack/local-cluster';
import { throwawayClusterOptions } from '../stack/throwaway-cluster';
import { ProgressBar } from '../terminal/progress-bar';
import { capacityChartSvg } from './capacity-chart';
import { capacityReport, SizingTarget } from './capacity-report';
import { CapacityRun, CpuBreakdown, costStep, measurementFrom, StepRecord } from './capacity-run';
import { prepareMixFixtures } from './capacity-fixtures';
import { listProcesses, machineCpu, sampleProcess } from './process-sampler';
import { allInOneRps, cpuMsPerMixRequest, INFRA, fmt, kneeStep, perReplicaRps, recommend, peakRpsForDau, STAGE_TITLES } from './sizing';
import { TRAFFIC_MIX, writeMixScript } from './traffic-mix';

// npm run capacity -- [--p99-ms 300] [--step-seconds 10] [--connections 1,2,4,8,16,32,64] [--products 3000]
//                     [--peak-rps N]... [--dau N]... [--out reports/capacity] [--from reports/capacity/<run>/run.json]
// Runs the whole stack (one replica of each service) behind HAProxy, drives the mini-program mix at rising
// load with wrk, and writes a Markdown report and an SVG chart sizing the deployment for the given loads.
// --from re-plans from an earlier run's measurements (its run.json) for other loads, without measuring again.

interface Options {
  p99Ms: number;
  stepSeconds: number;
  connections: number[];
  products: number;
  targets: SizingTarget[];
  out: string;
  from?: string;
}

function parseOptions(argv: string[]): Options {
  const options: Options = { p99Ms: 300, stepSeconds: 10, connections: [1, 2, 4, 8, 16, 32, 64], products: 3000, targets: [], out: 'reports/capacity' };
  for (let i = 0; i < argv.length; i++) {
    const [flag, value] = [argv[i], argv[i + 1]];
    const number = () => {
      const parsed = Number(value);
      if (!Number.isFinite(parsed) || parsed <= 0) throw new Error(`${flag} needs a positive number`);
      i++;
      return parsed;
    };
    if (flag === '--p99-ms') options.p99Ms = number();
    else if (flag === '--step-seconds') options.stepSeconds = number();
    else if (flag === '--products') options.products = number();
    else if (flag === '--peak-rps') options.targets.push({ peakRps: number() });
    else if (flag === '--dau') options.targets.push({ dau: number() });
    else if (flag === '--connections') {
      options.connections = (value ?? '').split(',').map(Number);
      if (!options.connections.length || options.connections.some((c) => !Number.isInteger(c) || c < 1))
        throw new Error('--connections needs a list like 1,2,4,8');
      i++;
    } else if (flag === '--from') {
      options.from = value;
      i++;
    } else if (flag === '--out') {
      options.out = value;
      i++;
    } else throw new Error(`unknown option ${flag} (see tools/capacity/main.ts)`);
  }
  if (!options.targets.length) options.targets = [{ dau: 10_000 }, { dau: 100_000 }, { peakRps: 2_000 }];
  return options;
}

/** An HAProxy backend of one of the services (`<service>` or `<service>_live`) in its Prometheus labels. */
const BACKEND_PROXY = new RegExp(`^(${SERVICES.join('|')})(_live)?$`);

const started = performance.now();
const log = (line: string) => process.stderr.write(`[capacity ${clock()}] ${line}\n`);
function clock(): string {
  const seconds = Math.floor((performance.now() - started) / 1000);
  return `${String(Math.floor(seconds / 60)).padStart(2, '0')}:${String(seconds % 60).padStart(2, '0')}`;
}

/** The processes whose CPU is measured: each replica, the stack's own HAProxy, NATS and sandbox, and the machine's MariaDB and Redis. */
function findProcesses(cluster: LocalCluster): Map<keyof CpuBreakdown, number[]> {
  const found = new Map<keyof CpuBreakdown, number[]>();
  const add = (key: keyof CpuBreakdown, pid: number) => found.set(key, [...(found.get(key) ?? []), pid]);
  // The capacity run splits the services; a one-process replica would have no column of its own.
  for (const replica of cluster.replicas.values()) if (replica.service !== 'all' && replica.process.pid) add(replica.service, replica.process.pid);
  for (const proc of listProcesses()) {
    if (proc.ppid === process.pid && proc.comm === 'haproxy') add('haproxy', proc.pid);
    else if (proc.ppid === process.pid && proc.comm === 'nats-server') add('nats', proc.pid);
    else if (proc.ppid === process.pid && proc.cmdline.includes('wechat-sandbox/main.js')) add('sandbox', proc.pid);
    else if (proc.comm === 'mariadbd' || proc.comm === 'mysqld') add('mysql', proc.pid);
    else if (proc.comm === 'redis-server') add('redis', proc.pid);
  }
  for (const key of ['haproxy', 'nats', 'sandbox', 'mysql', 'redis'] as const)
    if (!found.has(key)) log(`warning: no ${key} process found; its CPU counts as 0`);
  return found;
}

interface Snapshot {
  at: number;
  cpu: Map<keyof CpuBreakdown, number>;
  loadGenerator: number;
  machine: number;
  perService: Record<ServiceName, number>;
  bytesOut: number;
  bytesIn: number;
}

async function snapshot(cluster: LocalCluster, processes: Map<keyof CpuBreakdown, number[]>): Promise<Snapshot> {
  const text = await (await fetch(`${cluster.statsUrl}/metrics`)).text();
  const samples = parseMetrics(text);
  const perService = Object.fromEntries(SERVICES.map((service) => [service, 0])) as Record<ServiceName, number>;
  let bytesOut = 0;
  let bytesIn = 0;
  for (const sample of samples) {
    const backend = BACKEND_PROXY.exec(sample.labels.proxy ?? '');
    if (sample.name === 'haproxy_backend_http_responses_total' && backend) perService[backend[1] as ServiceName] += sample.value;
    if (sample.name === 'haproxy_frontend_bytes_out_total' && sample.labels.proxy === 'public') bytesOut += sample.value;
    if (sample.name === 'haproxy_frontend_bytes_in_total' && sample.labels.proxy === 'public') bytesIn += sample.value;
  }
  const cpu = new Map<keyof CpuBreakdown, number>();
  for (const [key, pids] of processes)
    cpu.set(
      key,
      pids.reduce((total, pid) => total + (sampleProcess(pid)?.cpuSeconds ?? 0), 0),
    );
  return {
    at: performance.now(),
    cpu,
    loadGenerator: sampleProcess(process.pid)!.childrenCpuSeconds,
    machine: machineCpu().busySeconds,
    perService,
    bytesOut,
    bytesIn,
  };
}

function replicaRss(cluster: LocalCluster): Record<ServiceName, number> {
  const rss = Object.fromEntries(SERVICES.map((service) => [service, 0])) as Record<ServiceName, number>;
  for (const replica of cluster.replicas.values()) {
    if (replica.service !== 'all') rss[replica.service] = Math.max(rss[replica.service], sampleProcess(replica.process.pid!)?.rssMb ?? 0);
  }
  return rss;
}

/** Shows a step's progress on the terminal while wrk runs (one line per step otherwise). */
function progress(label: string, seconds: number): () => void {
  if (!process.stderr.isTTY) {
    log(`${label}: ${seconds} s...`);
    return () => undefined;
  }
  const begin = performance.now();
  const bar = new ProgressBar(() => `[capacity ${clock()}] ${label}`, seconds, {
    width: 20,
    whenDone: 'clear',
    detail: (done, total) => ` ${done.toFixed(0)}/${total} s `,
  });
  const draw = () => bar.update((performance.now() - begin) / 1000);
  draw();
  const timer = setInterval(draw, 500);
  return () => {
    clearInterval(timer);
    bar.finish();
  };
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const runStamp = new Date().toISOString().replace(/[:.]/g, '-');
  const outDir = resolve(options.out, runStamp);
  if (options.from) {
    const { run } = JSON.parse(readFileSync(options.from, 'utf8')) as { run: CapacityRun };
    log(`re-planning from the measurements of ${options.from} (run of ${run.startedAt})`);
    return writeReport(run, options, outDir);
  }
  const workDir = mkdtempSync(join(tmpdir(), 'capacity-'));
  const cluster = new LocalCluster(
    throwawayClusterOptions(`capacity${process.pid}`, Object.fromEntries(SERVICES.map((service) => [service, 1])), {
      workDir,
      seedProducts: options.products,
      // Production settings except the rate limits (one client address sends everything) and the drain wait.
      env: { NODE_ENV: 'production', LOG_LEVEL: 'info', UPLOAD_USER_QUOTA_BYTES: '0' },
    }),
  );
  const steps: StepRecord[] = [];
  let run: CapacityRun | undefined;
  try {
    log(`starting the stack: WeChat sandbox, one replica of each service, HAProxy; seeding ${fmt(options.products)} products`);
    await cluster.start((line) => log(`  ${line}`));
    log(`stack up at ${cluster.publicUrl}; preparing the traffic mix`);
    const fixtures = await prepareMixFixtures(cluster.publicUrl, cluster.databaseUrl('catalog'), workDir, (line) => log(`  ${line}`));
    const script = writeMixScript(workDir, fixtures);
    const processes = findProcesses(cluster);
    const idleRssMb = replicaRss(cluster);

    const warmUp = progress('warm-up at 8 connections', 5);
    await runWrk(cluster.publicUrl, 8, 5, { script, timeoutSeconds: 10 }).finally(warmUp);
    log(`warm-up done; ${options.connections.length} steps of ${options.stepSeconds} s, p99 target ${options.p99Ms} ms`);

    for (const [index, connections] of options.connections.entries()) {
      const before = await snapshot(cluster, processes);
      const done = progress(`step ${index + 1}/${options.connections.length}: ${connections} connection(s)`, options.stepSeconds);
      const result = await runWrk(cluster.publicUrl, connections, options.stepSeconds, { script, timeoutSeconds: 10 }).finally(done);
      const after = await snapshot(cluster, processes);
      const seconds = (after.at - before.at) / 1000;
      const cpu = {} as CpuBreakdown;
      for (const key of [...SERVICES, ...INFRA, 'sandbox'] as const) cpu[key] = ((after.cpu.get(key) ?? 0) - (before.cpu.get(key) ?? 0)) / seconds;
      cpu.loadGenerator = (after.loadGenerator - before.loadGenerator) / seconds;
      cpu.machine = (after.machine - before.machine) / seconds;
      const step: StepRecord = {
        connections,
        requestsPerSecond: result.requestsPerSecond,
        p50Ms: result.p50Ms,
        p99Ms: result.p99Ms,
        errorRatio: result.requests ? (result.non2xx + result.socketErrors) / result.requests : 1,
        seconds,
        requests: result.requests,
        non2xx: result.non2xx,
        socketErrors: result.socketErrors,
        perService: Object.fromEntries(SERVICES.map((service) => [service, after.perService[service] - before.perService[service]])) as Record<
          ServiceName,
          number
        >,
        cpu,
        rssMb: replicaRss(cluster),
        bytesOut: after.bytesOut - before.bytesOut,
        bytesIn: after.bytesIn - before.bytesIn,
      };
      steps.push(step);
      log(
        `step ${index + 1}/${options.connections.length}: ${String(connections).padStart(3)} connections  ${fmt(step.requestsPerSecond).padStart(6)} req/s  p50 ${step.p50Ms.toFixed(1)} ms  p99 ${step.p99Ms.toFixed(1)} ms  errors ${(step.errorRatio * 100).toFixed(2)}%  machine ${cpu.machine.toFixed(2)} cores busy`,
      );
    }
    run = {
      startedAt: new Date().toISOString(),
      machine: { cores: cpus().length, memoryMb: Math.round(totalmem() / 1048576), cpuModel: cpus()[0]?.model ?? 'unknown', node: process.version },
      p99TargetMs: options.p99Ms,
      stepSeconds: options.stepSeconds,
      products: options.products,
      idleRssMb,
      steps,
    };
  } catch (error) {
    log(`failed; the stack's logs are in ${workDir}/logs`);
    await cluster.stop().catch(() => undefined);
    throw error;
  }
  log('stopping the stack');
  await cluster.stop();
  rmSync(workDir, { recursive: true, force: true });
  writeReport(run, options, outDir);
}

/** Writes report.md, capacity.svg and run.json for `run` into `outDir` and prints the headline figures. */
function writeReport(run: CapacityRun, options: Options, outDir: string): void {
  const knee = kneeStep(run.steps, run.p99TargetMs) as StepRecord | undefined;
  const fromStep = costStep(run, knee);
  const measured = measurementFrom(run, fromStep);
  mkdirSync(outDir, { recursive: true });
  writeFileSync(
    join(outDir, 'capacity.svg'),
    capacityChartSvg(run.steps, run.p99TargetMs, knee, `Mini-program mix on ${run.machine.cores} cores: throughput and p99 against load`),
  );
  writeFileSync(join(outDir, 'report.md'), capacityReport(run, measured, knee, fromStep, TRAFFIC_MIX, options.targets, 'capacity.svg'));
  writeFileSync(join(outDir, 'run.json'), `${JSON.stringify({ run, measured }, null, 2)}\n`);

  const perReplica = perReplicaRps(measured);
  const summary = [
    '',
    knee
      ? `Knee: ${fmt(knee.requestsPerSecond)} req/s at ${knee.connections} connections, p99 ${knee.p99Ms.toFixed(1)} ms (target ${run.p99TargetMs} ms)`
      : `No step met the p99 target of ${run.p99TargetMs} ms`,
    `Per replica at 70% of a core: ${SERVICES.map((service) => `${service} ${Number.isFinite(perReplica[service]) ? fmt(perReplica[service]) : '-'} req/s`).join(', ')}`,
    `CPU per request of the mix: ${cpuMsPerMixRequest(measured).toFixed(2)} ms → one VM with everything at 70%: ${fmt(allInOneRps(measured, 2))} req/s on 2 vCPU, ${fmt(allInOneRps(measured, 4))} on 4, ${fmt(allInOneRps(measured, 8))} on 8`,
    `Peak RSS per replica: ${SERVICES.map((service) => `${service} ${fmt(measured.replicaRssMb[service])} MB`).join(', ')}`,
    ...options.targets.map((target) => {
      const peak = 'dau' in target ? peakRpsForDau(target.dau).peakRps : target.peakRps;
      const plan = recommend(measured, peak);
      return `${'dau' in target ? `${fmt(target.dau)} DAU (${fmt(peak, 1)} req/s at peak)` : `${fmt(peak)} req/s at peak`}: ${STAGE_TITLES[plan.stage]}; ${plan.machines.map((m) => `${m.count} × ${m.size.vcpu} vCPU/${m.size.memoryGb} GB ${m.role}`).join(', ')}; ${plan.egressMbps} Mbps out`;
    }),
    '',
    `Report: ${relative(process.cwd(), join(outDir, 'report.md'))}`,
    `Chart:  ${relative(process.cwd(), join(outDir, 'capacity.svg'))}`,
    '',
  ];
  process.stdout.write(summary.join('\n'));
}

main().catch((error: unknown) => {
  process.stderr.write(`capacity failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
