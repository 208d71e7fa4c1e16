import { readFileSync } from 'node:fs';

/** One request as HAProxy's `option httplog` line records it. */
export interface HaproxyLogEntry {
  /** When HAProxy accepted the request (ms since the epoch). */
  acceptedAt: number;
  /** backend/server that answered, or `<NOSRV>` when HAProxy answered itself. */
  server: string;
  /** Tq/Tw/Tc/Tr/Tt as logged. */
  timers: string;
  /** -1 when no response was sent. */
  status: number;
  /** Termination state, e.g. `----` (normal) or `SH--` (the server closed before the headers). */
  termination: string;
  /** The retries counter (a leading + means the request was redispatched to another server). */
  retries: string;
  request: string;
  line: string;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
// 127.0.0.1:51000 [18/Jan/2026:23:30:01.123] public orders/orders-1 0/0/1/20/21 201 512 - - ---- 10/10/1/0/0 0/0 "POST /api/orders HTTP/1.1"
const LINE =
  /\[(\d{2})\/(\w{3})\/(\d{4}):(\d{2}):(\d{2}):(\d{2})\.(\d{3})\] \S+ (\S+) (\S+) (-?\d+) \S+ \S+ \S+ (\S{4}) \d+\/\d+\/\d+\/\d+\/(\+?\d+) \S+ "([^"]*)"/;

/** The request lines of an HAProxy log written with `option httplog` (timestamps in the machine's local time). */
export function readHaproxyLog(file: string): HaproxyLogEntry[] {
  const entries: HaproxyLogEntry[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const match = LINE.exec(line);
    if (!match) continue;
    const [, day, month, year, hour, minute, second, ms, server, timers, status, termination, retries, request] = match;
    const acceptedAt = new Date(Number(year), MONTHS.indexOf(month), Number(day), Number(hour), Number(minute), Number(second), Number(ms)).getTime();
    entries.push({ acceptedAt, server, timers, status: Number(status), termination, retries, request, line });
  }
  return entries;
}

/** The entries for `method path` accepted between `from` and `to` (ms since the epoch), optionally with one status. */
export function findHaproxyEntries(entries: HaproxyLogEntry[], method: string, path: string, from: number, to: number, status?: number): HaproxyLogEntry[] {
  return entries.filter(
    (entry) =>
      entry.acceptedAt >= from && entry.acceptedAt <= to && entry.request.startsWith(`${method} ${path} `) && (status === undefined || entry.status === status),
  );
}
