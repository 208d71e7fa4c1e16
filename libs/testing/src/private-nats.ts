import { ChildProcess, spawn } from 'node:child_process';
import { freePort } from './free-port';

/** A NATS server of the test's own, for tests that answer subjects a live stack on the shared server also answers. */
export interface PrivateNats {
  url: string;
  stop(): Promise<void>;
}

function waitUntilReady(child: ChildProcess, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`nats-server did not start:\n${output}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Server is ready')) {
        clearTimeout(timer);
        child.stderr?.off('data', onData);
        resolve();
      }
    };
    child.stderr?.on('data', onData);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`cannot run nats-server (set NATS_SERVER_BIN): ${error.message}`));
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`nats-server exited with ${code}:\n${output}`));
    });
  });
}

/** Starts `nats-server` (NATS_SERVER_BIN, else from PATH) on a free loopback port. */
export async function startPrivateNats(): Promise<PrivateNats> {
  const port = await freePort();
  const child = spawn(process.env.NATS_SERVER_BIN ?? 'nats-server', ['-a', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', 'ignore', 'pipe'] });
  try {
    await waitUntilReady(child, 5000);
  } catch (error) {
    child.kill();
    throw error;
  }
  child.stderr?.resume();
  return {
    url: `nats://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
