import { CapacityRun, measurementFrom, StepRecord } from './capacity-run';

const step: StepRecord = {
  connections: 8,
  requestsPerSecond: 500,
  p50Ms: 10,
  p99Ms: 100,
  errorRatio: 0,
  seconds: 10,
  requests: 5000,
  non2xx: 0,
  socketErrors: 0,
  perService: { auth: 500, catalog: 4000, orders: 400, upload: 100 },
  // Cores busy on average over the 10 s step.
  cpu: {
    auth: 0.1,
    catalog: 0.4,
    orders: 0.2,
    upload: 0.05,
    haproxy: 0.05,
    mysql: 0.25,
    redis: 0.05,
    nats: 0.02,
    sandbox: 0.01,
    loadGenerator: 0.1,
    machine: 1.5,
  },
  rssMb: { auth: 100, catalog: 150, orders: 120, upload: 90 },
  bytesOut: 25_000_000,
  bytesIn: 2_500_000,
};
const run: CapacityRun = {
  startedAt: '2026-11-21T00:00:00Z',
  machine: { cores: 2, memoryMb: 24000, cpuModel: 'test', node: 'v20' },
  p99TargetMs: 250,
  stepSeconds: 10,
  products: 1000,
  idleRssMb: { auth: 80, catalog: 90, orders: 85, upload: 70 },
  steps: [{ ...step, connections: 1, rssMb: { auth: 90, catalog: 200, orders: 100, upload: 80 } }, step],
};

describe('measurementFrom', () => {
  it('turns a step’s CPU and request counts into per-request costs and shares', () => {
    const measured = measurementFrom(run, step);
    expect(measured.share).toEqual({ auth: 0.1, catalog: 0.8, orders: 0.08, upload: 0.02 });
    // catalog: 0.4 cores × 10 s = 4 CPU s over 4,000 requests = 1 ms each.
    expect(measured.appCpuMsPerRequest).toEqual({ auth: 2, catalog: 1, orders: 5, upload: 5 });
    // mysql: 0.25 × 10 s = 2.5 s over 5,000 requests of the mix.
    expect(measured.infraCpuMsPerRequest.mysql).toBeCloseTo(0.5);
    expect(measured.replicaRssMb).toEqual({ auth: 100, catalog: 200, orders: 120, upload: 90 });
    expect(measured.bytesOutPerRequest).toBe(5000);
    expect(measured.bytesInPerRequest).toBe(500);
  });
});
