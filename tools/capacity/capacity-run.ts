import { SERVICES, ServiceName } from '../stack/cluster-options';
import { Infra, StepResult } from './sizing';

/** Where the CPU went during a step, in cores busy on average (1 = one core all the time). */
export type CpuBreakdown = Record<ServiceName | Infra | 'sandbox' | 'loadGenerator' | 'machine', number>;

/** One load step as recorded by the planner. */
export interface StepRecord extends StepResult {
  seconds: number;
  requests: number;
  non2xx: number;
  socketErrors: number;
  /** Requests each service's HAProxy backend answered during the step. */
  perService: Record<ServiceName, number>;
  cpu: CpuBreakdown;
  /** Resident memory of each service's replica at the end of the step, MB. */
  rssMb: Record<ServiceName, number>;
  /** Bytes HAProxy's public frontend sent and received during the step. */
  bytesOut: number;
  bytesIn: number;
}

/** Everything one run measured, for the report. */
export interface CapacityRun {
  startedAt: string;
  machine: { cores: number; memoryMb: number; cpuModel: string; node: string };
  p99TargetMs: number;
  stepSeconds: number;
  products: number;
  idleRssMb: Record<ServiceName, number>;
  steps: StepRecord[];
}

const INFRA_PARTS: Infra[] = ['haproxy', 'mysql', 'redis', 'nats'];

/** The step the per-request costs are taken from: the knee, else the lightest step (flagged by the report). */
export function costStep(run: CapacityRun, knee: StepResult | undefined): StepRecord {
  return (knee as StepRecord | undefined) ?? run.steps[0];
}

/** Reduces a run to the figures the sizing arithmetic needs, taking per-request costs from `step`. */
export function measurementFrom(run: CapacityRun, step: StepRecord): import('./sizing').CapacityMeasurement {
  const answered = SERVICES.reduce((total, service) => total + step.perService[service], 0) || 1;
  const perService = (service: ServiceName) => step.perService[service] || 1;
  return {
    machine: { cores: run.machine.cores, memoryMb: run.machine.memoryMb },
    p99TargetMs: run.p99TargetMs,
    steps: run.steps,
    share: Object.fromEntries(SERVICES.map((service) => [service, step.perService[service] / answered])) as Record<ServiceName, number>,
    appCpuMsPerRequest: Object.fromEntries(SERVICES.map((service) => [service, (step.cpu[service] * step.seconds * 1000) / perService(service)])) as Record<
      ServiceName,
      number
    >,
    infraCpuMsPerRequest: Object.fromEntries(INFRA_PARTS.map((part) => [part, (step.cpu[part] * step.seconds * 1000) / answered])) as Record<Infra, number>,
    replicaRssMb: Object.fromEntries(SERVICES.map((service) => [service, Math.max(...run.steps.map((s) => s.rssMb[service]))])) as Record<ServiceName, number>,
    bytesOutPerRequest: step.bytesOut / answered,
    bytesInPerRequest: step.bytesIn / answered,
  };
}
