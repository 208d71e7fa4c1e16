/**
 * Node.js options for a benchmark's replicas: `BENCH_NODE_ARGUMENTS` (V8 flags to weigh, e.g. '--max-semi-space-size=2')
 * and, with `BENCH_CPU_PROF=<dir>`, a V8 CPU profile each replica writes there when it stops (cpu-profile-summary.js
 * reads it).
 */
export function benchNodeArguments(env: NodeJS.ProcessEnv = process.env): string[] {
  const flags = env.BENCH_NODE_ARGUMENTS?.split(' ').filter(Boolean) ?? [];
  return env.BENCH_CPU_PROF ? [...flags, '--cpu-prof', `--cpu-prof-dir=${env.BENCH_CPU_PROF}`] : flags;
}
