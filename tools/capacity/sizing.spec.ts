import {
  allInOneRps,
  bandwidthPlan,
  CapacityMeasurement,
  cpuMsPerMixRequest,
  DEFAULT_POLICY,
  kneeStep,
  peakRpsForDau,
  perReplicaRps,
  recommend,
} from './sizing';

/** Round figures: 1 ms of app CPU per request everywhere, 0.5 ms of MySQL, 0.1 ms of each other part per request. */
const MEASURED: CapacityMeasurement = {
  machine: { cores: 2, memoryMb: 4096 },
  p99TargetMs: 300,
  steps: [
    { connections: 2, requestsPerSecond: 300, p50Ms: 5, p99Ms: 40, errorRatio: 0 },
    { connections: 8, requestsPerSecond: 700, p50Ms: 10, p99Ms: 120, errorRatio: 0 },
    { connections: 32, requestsPerSecond: 800, p50Ms: 35, p99Ms: 280, errorRatio: 0.001 },
    { connections: 64, requestsPerSecond: 810, p50Ms: 70, p99Ms: 650, errorRatio: 0 },
  ],
  share: { auth: 0.1, catalog: 0.7, orders: 0.1, upload: 0.1 },
  appCpuMsPerRequest: { auth: 1, catalog: 1, orders: 1, upload: 1 },
  infraCpuMsPerRequest: { haproxy: 0.1, mysql: 0.5, redis: 0.1, nats: 0.1 },
  replicaRssMb: { auth: 100, catalog: 120, orders: 110, upload: 130 },
  bytesOutPerRequest: 5000,
  bytesInPerRequest: 1000,
};

describe('kneeStep', () => {
  it('is the fastest step within the p99 target and under 1% errors', () => {
    expect(kneeStep(MEASURED.steps, 300)?.connections).toBe(32);
    expect(kneeStep(MEASURED.steps, 100)?.connections).toBe(2);
    expect(kneeStep([{ ...MEASURED.steps[2], errorRatio: 0.05 }, MEASURED.steps[1]], 300)?.connections).toBe(8);
    expect(kneeStep(MEASURED.steps, 10)).toBeUndefined();
  });
});

describe('peakRpsForDau', () => {
  it('spreads the users’ daily requests over the day and applies the peak factor, showing its steps', () => {
    const { peakRps, line } = peakRpsForDau(86400, { ...DEFAULT_POLICY, requestsPerUserPerDay: 40, peakToAverage: 5 });
    expect(peakRps).toBe(200);
    expect(line).toBe('86,400 DAU × 40 requests/day = 3,456,000 requests/day; / 86,400 s = 40.00 req/s on average; × 5 peak/average = 200.0 req/s at peak');
  });
});

describe('perReplicaRps', () => {
  it('is what one core at the target utilisation answers', () => {
    expect(perReplicaRps({ ...MEASURED, appCpuMsPerRequest: { auth: 2, catalog: 0.5, orders: 7, upload: 0 } })).toEqual({
      auth: 350,
      catalog: 1400,
      orders: 100,
      upload: Infinity,
    });
  });
});

describe('allInOneRps', () => {
  it('divides the VM’s CPU budget at the target utilisation by what one request of the mix costs the whole stack', () => {
    // 1 ms of app CPU (every service) + 0.8 ms of shared parts = 1.8 ms; 2 vCPU × 0.7 × 1000 / 1.8 = 777.8.
    expect(cpuMsPerMixRequest(MEASURED)).toBeCloseTo(1.8);
    expect(allInOneRps(MEASURED, 2)).toBeCloseTo(777.78, 1);
    expect(allInOneRps(MEASURED, 8)).toBeCloseTo(3111.1, 1);
  });
});

describe('recommend', () => {
  it('keeps a small load on one small VM, with one replica each and the arithmetic shown', () => {
    // 100 req/s: apps 0.1 cores, infra 0.08 cores → 0.18 / 0.7 = 0.26 vCPU.
    const plan = recommend(MEASURED, 100);
    expect(plan.stage).toBe('one-small-vm');
    expect(plan.machines).toEqual([{ role: expect.stringContaining('all-in-one'), count: 1, size: { vcpu: 2, memoryGb: 4 } }]);
    expect(plan.replicas).toEqual({ auth: 1, catalog: 1, orders: 1, upload: 1 });
    expect(plan.arithmetic).toContain('catalog: 100.0 req/s × 70.0% of the mix × 1.00 ms CPU = 0.07 cores');
    expect(plan.arithmetic).toContain('mysql: 100.0 req/s × 0.500 ms CPU = 0.05 cores');
    expect(plan.arithmetic).toContain('all on one VM: 0.18 cores busy / 0.7 target utilisation = 0.26 vCPU');
    // 100 × 5,000 B × 8 = 4 Mbps; / 0.7 = 5.71 → a 10 Mbps plan.
    expect(plan.egressMbps).toBe(10);
    expect(plan.arithmetic).toContain('egress: 100.0 req/s × 5,000 bytes × 8 = 4.00 Mbps; / 0.7 = 5.71 Mbps → plan of 10 Mbps');
  });

  it('moves to a bigger VM once one small VM is not enough, adding catalog replicas', () => {
    // 2,000 req/s: catalog 1.4 cores → 2 replicas; all 2.0 + 1.6 = 3.6 cores / 0.7 = 5.14 vCPU → 8 vCPU.
    const plan = recommend(MEASURED, 2000);
    expect(plan.stage).toBe('one-bigger-vm');
    expect(plan.machines[0].size).toEqual({ vcpu: 8, memoryGb: 16 });
    expect(plan.replicas).toEqual({ auth: 1, catalog: 2, orders: 1, upload: 1 });
  });

  it('splits the database and cache off past 8 vCPU, with two replicas of everything for failover', () => {
    // 4,000 req/s: all 7.2 cores / 0.7 = 10.3 vCPU; apps + HAProxy 4.4 / 0.7 = 6.3 vCPU; MySQL 2 / 0.7 = 2.9 vCPU.
    const plan = recommend(MEASURED, 4000);
    expect(plan.stage).toBe('split-database-and-cache');
    expect(plan.machines).toEqual([
      { role: 'apps + HAProxy', count: 1, size: { vcpu: 8, memoryGb: 16 } },
      { role: 'MySQL', count: 1, size: { vcpu: 4, memoryGb: 8 } },
      { role: 'Redis + NATS', count: 1, size: { vcpu: 2, memoryGb: 4 } },
    ]);
    expect(plan.replicas).toEqual({ auth: 2, catalog: 4, orders: 2, upload: 2 });
  });

  it('spreads the apps over N app VMs past one app VM', () => {
    // 20,000 req/s: apps 20 cores / (8 × 0.7) = 3.57 → 4 app VMs; catalog 14 cores / 0.7 = 20 replicas.
    const plan = recommend(MEASURED, 20000);
    expect(plan.stage).toBe('app-replicas');
    expect(plan.machines.find((machine) => machine.role === 'apps')).toEqual({ role: 'apps', count: 4, size: { vcpu: 8, memoryGb: 16 } });
    expect(plan.replicas.catalog).toBe(20);
    expect(plan.arithmetic).toContain('apps: 20.00 cores busy / (8 vCPU × 0.7) = 3.57 → 4 app VMs of 8 vCPU / 16 GB (at least two)');
  });

  it('runs the apps on at least two VMs once HAProxy has its own', () => {
    // 5,200 req/s: apps + HAProxy 5.72 cores / 0.7 = 8.2 vCPU, over one app VM; apps alone 5.2 / 5.6 = 0.93 of one.
    const plan = recommend(MEASURED, 5200);
    expect(plan.stage).toBe('app-replicas');
    expect(plan.machines.find((machine) => machine.role === 'apps')?.count).toBe(2);
  });

  it('picks the memory, not only the CPU, of the single VM', () => {
    const hungry = { ...MEASURED, replicaRssMb: { auth: 900, catalog: 900, orders: 900, upload: 900 } };
    // 4 × 900 × 1.5 = 5,400 MB + 2,176 MB: over 4 GB, so 4 vCPU / 8 GB although 2 vCPU would do for CPU.
    expect(recommend(hungry, 100).machines[0].size).toEqual({ vcpu: 4, memoryGb: 8 });
  });
});

describe('bandwidthPlan', () => {
  it('rounds up to a plan sold', () => {
    expect(bandwidthPlan(0.3)).toBe(1);
    expect(bandwidthPlan(5)).toBe(5);
    expect(bandwidthPlan(5.1)).toBe(10);
    expect(bandwidthPlan(1500)).toBe(2000);
  });
});
