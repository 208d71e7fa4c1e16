import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManagedProcess } from './managed-process';
import { waitForStart } from './wait-for';

const dir = mkdtempSync(join(tmpdir(), 'wait-for-'));
const node = (name: string, script: string) =>
  new ManagedProcess({ name, command: process.execPath, args: ['-e', script], env: {}, logFile: join(dir, `${name}.log`) });

describe('waitForStart: waits while a process is starting, fails at once when it has exited', () => {
  const started: ManagedProcess[] = [];
  afterAll(() => Promise.all(started.map((process) => process.stop(1000))));

  it('fails as soon as the process exits, with its exit code and its last output lines', async () => {
    const crasher = node('crasher', "for (let i = 1; i <= 30; i++) console.log('line ' + i); console.error('Error: DATABASE_URL is not set'); process.exit(3)");
    started.push(crasher);
    const began = Date.now();
    const failure = await waitForStart(crasher, async () => false, { capMs: 60000 }).then(
      () => undefined,
      (error: Error) => error.message,
    );
    expect(Date.now() - began).toBeLessThan(5000);
    expect(failure).toMatch(/^crasher exited before it was ready \(code 3\); its last output:/);
    expect(failure).toContain('  Error: DATABASE_URL is not set');
    expect(failure).toContain('  line 30');
    expect(failure).not.toContain('line 10\n');
  });

  it('names the signal of a process killed while starting', async () => {
    const killed = node('killed', 'setInterval(() => undefined, 1000)');
    started.push(killed);
    setTimeout(() => killed.signal('SIGKILL'), 200);
    await expect(waitForStart(killed, async () => false)).rejects.toThrow(
      /^killed exited before it was ready \(signal SIGKILL\); its last output:\n {2}\(none\)/,
    );
  });

  it('keeps waiting for a slow starter that is still running, and resolves with its start-up time', async () => {
    const slow = node('slow', "console.log('migrating'); setInterval(() => undefined, 1000)");
    started.push(slow);
    let checks = 0;
    // Ready only after 1.5 s of failed checks (a loaded machine), well past the interval.
    const readyAt = Date.now() + 1500;
    const startupMs = await waitForStart(slow, async () => (++checks, Date.now() >= readyAt), { capMs: 20000, intervalMs: 50 });
    expect(checks).toBeGreaterThan(5);
    expect(startupMs).toBeGreaterThanOrEqual(1400);
    expect(slow.running).toBe(true);
  });

  it('gives up on a process that runs but never becomes ready, after the cap, with its output', async () => {
    const stuck = node('stuck', "console.log('waiting for MySQL...'); setInterval(() => undefined, 1000)");
    started.push(stuck);
    await expect(waitForStart(stuck, async () => false, { capMs: 500 })).rejects.toThrow(
      /^stuck still not ready 500 ms after it was started; its last output:\n {2}waiting for MySQL\.\.\./,
    );
  });

  it('treats a check that throws (nothing listening yet) as not ready', async () => {
    const starting = node('starting', 'setInterval(() => undefined, 1000)');
    started.push(starting);
    let calls = 0;
    await expect(waitForStart(starting, async () => ++calls > 3 || Promise.reject(new Error('ECONNREFUSED')), { intervalMs: 10 })).resolves.toEqual(
      expect.any(Number),
    );
  });
});
