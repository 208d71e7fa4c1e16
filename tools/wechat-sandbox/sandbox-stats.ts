/** Per endpoint, how many requests ended in each result: `{"jscode2session": {"ok": 3, "40163": 1}}`. */
export type SandboxStatsSnapshot = Record<string, Record<string, number>>;

/** Counts what the sandbox was asked, so tests can assert how the backend used WeChat. */
export class SandboxStats {
  private readonly endpoints = new Set<string>();
  private counts: SandboxStatsSnapshot = {};

  /** Lists `endpoint` in every snapshot, even before its first request. */
  listEndpoint(endpoint: string): void {
    this.endpoints.add(endpoint);
    this.counts[endpoint] ??= {};
  }

  count(endpoint: string, result: string): void {
    const results = (this.counts[endpoint] ??= {});
    results[result] = (results[result] ?? 0) + 1;
  }

  snapshot(): SandboxStatsSnapshot {
    return structuredClone(this.counts);
  }

  clear(): void {
    this.counts = Object.fromEntries([...this.endpoints].map((endpoint) => [endpoint, {}]));
  }
}
