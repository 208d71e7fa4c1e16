import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** What one wrk run measured. */
export interface LoadResult {
  requests: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  /** Connect, read, write errors and timeouts (requests that got no answer at all). */
  socketErrors: number;
}

function millis(text: string): number {
  const match = /^([\d.]+)(us|ms|s)$/.exec(text.trim());
  if (!match) return NaN;
  const value = Number(match[1]);
  return match[2] === 'us' ? value / 1000 : match[2] === 's' ? value * 1000 : value;
}

/** Parses wrk's `--latency` report. */
export function parseWrkReport(report: string): LoadResult {
  const percentile = (p: string) => millis(new RegExp(`^\\s*${p}%\\s+(\\S+)`, 'm').exec(report)?.[1] ?? '');
  return {
    requests: Number(/(\d+) requests in/.exec(report)?.[1] ?? 0),
    requestsPerSecond: Number(/Requests\/sec:\s+([\d.]+)/.exec(report)?.[1] ?? 0),
    p50Ms: percentile('50'),
    p99Ms: percentile('99'),
    non2xx: Number(/Non-2xx or 3xx responses: (\d+)/.exec(report)?.[1] ?? 0),
    socketErrors: (/Socket errors: (.*)/.exec(report)?.[1].match(/\d+/g) ?? []).reduce((total, count) => total + Number(count), 0),
  };
}

/** Optional wrk settings: a Lua script that makes each request (wrk's `request()`), the per-request timeout, request headers. */
export interface WrkOptions {
  script?: string;
  timeoutSeconds?: number;
  /** `Name: value` lines sent with every request. */
  headers?: string[];
}

/** Runs wrk (Debian package `wrk`) against `url` with `connections` clients for `seconds`. */
export async function runWrk(url: string, connections: number, seconds: number, options: WrkOptions = {}): Promise<LoadResult> {
  const extra = [
    ...(options.script ? ['-s', options.script] : []),
    ...(options.timeoutSeconds ? ['--timeout', `${options.timeoutSeconds}s`] : []),
    ...(options.headers ?? []).flatMap((header) => ['-H', header]),
  ];
  const { stdout } = await run('wrk', ['-t1', `-c${connections}`, `-d${seconds}s`, '--latency', ...extra, url], { maxBuffer: 1 << 20 });
  return parseWrkReport(stdout);
}
