const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it returns true or `timeoutMs` passes (then throws naming `what`). */
export async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 30000, intervalMs = 100): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await sleep(intervalMs);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

/** What waitForStart needs of a starting process (a ManagedProcess). */
export interface StartingProcess {
  readonly name: string;
  readonly startedAt: number;
  readonly running: boolean;
  readonly exited: Promise<unknown>;
  readonly exitStatus?: { code: number | null; signal: NodeJS.Signals | null };
  recentOutput(lines?: number): string[];
}

/** How long a process that is still running may take to become ready before waitForStart gives up. */
export const START_CAP_MS = 180000;

/**
 * Waits until `check` says the just-started `process` is ready, for as long as the process runs (up to `capMs`):
 * a slow start on a loaded machine is still a start. A process that exits first fails the wait at once, with its
 * exit status and last output lines. Resolves with the time from spawn to ready (ms).
 */
export async function waitForStart(
  process: StartingProcess,
  check: () => Promise<boolean>,
  { capMs = START_CAP_MS, intervalMs = 100 }: { capMs?: number; intervalMs?: number } = {},
): Promise<number> {
  const deadline = Date.now() + capMs;
  let exited = false;
  void process.exited.then(() => (exited = true));
  while (!exited && process.running) {
    if (await check().catch(() => false)) return Date.now() - process.startedAt;
    if (Date.now() >= deadline) throw startFailure(process, `still not ready ${capMs} ms after it was started`);
    await Promise.race([sleep(intervalMs), process.exited]);
  }
  await process.exited;
  const status = process.exitStatus;
  throw startFailure(process, `exited before it was ready (${status?.signal ? `signal ${status.signal}` : `code ${status?.code}`})`);
}

function startFailure(process: StartingProcess, what: string): Error {
  const output = process.recentOutput(20);
  return new Error(`${process.name} ${what}; its last output:\n${output.length ? output.map((line) => `  ${line}`).join('\n') : '  (none)'}`);
}

/** Whether GET `url` answers 200. */
export async function answers200(url: string): Promise<boolean> {
  const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
  await response.arrayBuffer();
  return response.status === 200;
}
