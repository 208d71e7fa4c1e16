import { createConnection } from 'node:net';

/** Administrative state a rolling deploy puts a server in (`set server <b>/<s> state <state>`). */
export type HaproxyServerAdminState = 'ready' | 'drain' | 'maint';

/** One server row of `show stat`. */
export interface HaproxyServerState {
  backend: string;
  server: string;
  /** HAProxy's status without the transitional "n/m" suffix: UP, DOWN, MAINT, DRAIN, NOLB or NO CHECK. */
  status: string;
  /** The status column as HAProxy prints it, e.g. 'UP 1/2' (one failed check from DOWN) or 'MAINT (via b/s)'. */
  raw: string;
}

const NAME = /^[A-Za-z0-9_.-]+$/;

/** Sends one command to the runtime API on `socketPath` and resolves with its trimmed answer. */
export function runtimeCommand(socketPath: string, command: string, timeoutMs = 2000): Promise<string> {
  if (/[\r\n]/.test(command)) return Promise.reject(new Error('HAProxy runtime API: one command per call, without newlines'));
  return new Promise((resolve, reject) => {
    const socket = createConnection(socketPath);
    const chunks: Buffer[] = [];
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`HAProxy runtime API: no answer to "${command}" within ${timeoutMs} ms`)));
    socket.on('connect', () => socket.end(`${command}\n`));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', (hadError) => {
      if (!hadError) resolve(Buffer.concat(chunks).toString('utf8').trim());
    });
  });
}

/** Puts `backend/server` in ready, drain or maint state; throws with HAProxy's message if refused. */
export async function setServerState(socketPath: string, backend: string, server: string, state: HaproxyServerAdminState): Promise<void> {
  if (!NAME.test(backend) || !NAME.test(server)) throw new Error(`HAProxy runtime API: invalid server ${backend}/${server}`);
  const answer = await runtimeCommand(socketPath, `set server ${backend}/${server} state ${state}`);
  if (answer !== '') throw new Error(`HAProxy runtime API: set ${backend}/${server} ${state}: ${answer}`);
}

/** The status of every server of every backend, parsed from `show stat` (CSV). */
export async function serverStates(socketPath: string): Promise<HaproxyServerState[]> {
  const [header, ...rows] = (await runtimeCommand(socketPath, 'show stat')).split('\n');
  const columns = header.replace(/^#\s*/, '').split(',');
  const backendAt = columns.indexOf('pxname');
  const serverAt = columns.indexOf('svname');
  const statusAt = columns.indexOf('status');
  if (backendAt < 0 || serverAt < 0 || statusAt < 0) throw new Error(`HAProxy runtime API: unexpected "show stat" header: ${header}`);
  return rows
    .map((row) => row.split(','))
    .filter((cells) => cells.length > statusAt && cells[serverAt] !== 'FRONTEND' && cells[serverAt] !== 'BACKEND')
    .map((cells) => ({
      backend: cells[backendAt],
      server: cells[serverAt],
      status: cells[statusAt]
        .replace(/\s+\d+\/\d+$/, '')
        .replace(/\s+\(.*\)$/, '')
        .toUpperCase(),
      raw: cells[statusAt],
    }));
}

/** Resolves once `backend/server` reports `status` and is not between two states; rejects after `timeoutMs`. */
export async function waitForServerStatus(socketPath: string, backend: string, server: string, status: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'not listed';
  while (Date.now() < deadline) {
    const row = (await serverStates(socketPath)).find((state) => state.backend === backend && state.server === server);
    last = row?.raw ?? 'not listed';
    if (row?.status === status && !/\d+\/\d+$/.test(row.raw)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`HAProxy: ${backend}/${server} still ${last} after ${timeoutMs} ms, expected ${status}`);
}
