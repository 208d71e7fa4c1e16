import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { LocalCluster } from '../stack/local-cluster';
import { throwawayClusterOptions } from '../stack/throwaway-cluster';
import { LoadResult, runWrk } from './wrk-runner';

// npm run bench:compression: the bytes of the home page and a product list through HAProxy with and without
// Accept-Encoding: gzip, the home-page loads a 3 and a 5 Mbit/s link carries, and what gzip costs the replica in CPU.
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const LINKS_MBIT = [3, 5];
const GZIP = 'Accept-Encoding: gzip';

/** What one answer costs on the wire: the HTTP response as received (status line, headers, body and its chunk framing). */
interface WireAnswer {
  bodyBytes: number;
  wireBytes: number;
  encoding: string;
  body: Buffer;
}

/** GET over a raw socket, so every byte HAProxy sends is counted. */
function getRaw(port: number, path: string, headers: string[]): Promise<WireAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('connect', () => socket.write([`GET ${path} HTTP/1.1`, 'Host: 127.0.0.1', 'Connection: close', ...headers, '', ''].join('\r\n')));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('end', () => {
      const raw = Buffer.concat(chunks);
      const split = raw.indexOf('\r\n\r\n');
      const head = raw.subarray(0, split).toString('latin1');
      let body: Buffer = raw.subarray(split + 4);
      if (/^transfer-encoding:\s*chunked/im.test(head)) body = unchunk(body);
      const encoding = /^content-encoding:\s*(\S+)/im.exec(head)?.[1] ?? 'identity';
      resolve({ bodyBytes: body.length, wireBytes: raw.length, encoding, body });
    });
  });
}

function unchunk(framed: Buffer): Buffer {
  const parts: Buffer[] = [];
  for (let at = 0; ;) {
    const lineEnd = framed.indexOf('\r\n', at);
    const size = parseInt(framed.subarray(at, lineEnd).toString('latin1'), 16);
    if (!size) return Buffer.concat(parts);
    parts.push(framed.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
}

/** User + system CPU seconds a process has used so far (Linux /proc). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

const loadsPerSecond = (bytes: number, mbit: number) => (mbit * 1_000_000) / (bytes * 8);

async function main(): Promise<void> {
  const cluster = new LocalCluster(throwawayClusterOptions('benchcompress', { catalog: 1 }, { seedProducts: 5000 }));
  try {
    process.stderr.write('starting one catalog replica behind HAProxy, seeding 5,000 products...\n');
    await cluster.start((line) => process.stderr.write(`  ${line}\n`));
    const port = Number(new URL(cluster.publicUrl).port);
    const pid = cluster.requireReplica('catalog-1').process.pid!;
    const paths = { home: '/api/catalog/home', products: '/api/catalog/products' };

    const lines = [
      'Bytes through HAProxy (body; wire = status line, headers and body as received):',
      '',
      '| answer | plain body | gzip body | plain wire | gzip wire | gzip / plain (wire) |',
      '|---|---:|---:|---:|---:|---:|',
    ];
    const wire: Record<string, { plain: WireAnswer; gzip: WireAnswer }> = {};
    for (const [name, path] of Object.entries(paths)) {
      const plain = await getRaw(port, path, []);
      const gzip = await getRaw(port, path, [GZIP]);
      if (plain.encoding !== 'identity' || gzip.encoding !== 'gzip')
        throw new Error(`${path}: expected identity then gzip, got ${plain.encoding}, ${gzip.encoding}`);
      if (!gunzipSync(gzip.body).equals(plain.body)) throw new Error(`${path}: the gzip answer does not decompress to the plain one`);
      wire[name] = { plain, gzip };
      lines.push(
        `| GET ${path} | ${plain.bodyBytes} | ${gzip.bodyBytes} | ${plain.wireBytes} | ${gzip.wireBytes} | ${(gzip.wireBytes / plain.wireBytes).toFixed(2)} |`,
      );
    }

    const home = wire.home;
    lines.push('', 'Home-page loads per second a link carries (link bit/s ÷ (wire bytes × 8); TCP/IP and TLS overhead not counted):', '');
    lines.push('| link | plain | gzip |', '|---|---:|---:|');
    for (const mbit of LINKS_MBIT)
      lines.push(`| ${mbit} Mbit/s | ${loadsPerSecond(home.plain.wireBytes, mbit).toFixed(1)} | ${loadsPerSecond(home.gzip.wireBytes, mbit).toFixed(1)} |`);

    lines.push(
      '',
      `Throughput through HAProxy (${CONNECTIONS} connections, ${SECONDS} s each) and the catalog replica's CPU per request:`,
      '',
      '| answer | Accept-Encoding | req/s | p50 ms | p99 ms | replica CPU ms / request | non-2xx |',
      '|---|---|---:|---:|---:|---:|---:|',
    );
    for (const [name, path] of Object.entries(paths)) {
      for (const [label, headers] of [
        ['none', []],
        ['gzip', [GZIP]],
      ] as const) {
        process.stderr.write(`measuring ${name}, Accept-Encoding ${label}...\n`);
        const before = cpuSeconds(pid);
        const result: LoadResult = await runWrk(`${cluster.publicUrl}${path}`, CONNECTIONS, SECONDS, { headers: [...headers] });
        const cpuMs = ((cpuSeconds(pid) - before) * 1000) / Math.max(result.requests, 1);
        lines.push(
          `| ${path} | ${label} | ${result.requestsPerSecond.toFixed(0)} | ${result.p50Ms.toFixed(2)} | ${result.p99Ms.toFixed(2)} | ${cpuMs.toFixed(3)} | ${result.non2xx} |`,
        );
      }
    }
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    await cluster.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${(error as Error).stack}\n`);
  process.exit(1);
});
