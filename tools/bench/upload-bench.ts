import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signTestToken } from '../../libs/testing/src/test-tokens';
import { LocalCluster } from '../stack/local-cluster';
import { throwawayClusterOptions } from '../stack/throwaway-cluster';
import { noiseJpeg } from './noise-jpeg';

// npm run bench:upload: one upload replica (local driver) behind HAProxy. Throughput and latency of 100 KB and
// 5 MB JPEG uploads through HAProxy, then the replica's RSS while 20 clients upload 5 MB each at once
// (streaming means it grows by far less than the 100 MB in flight).
const SMALL_COUNT = Number(process.env.BENCH_SMALL_COUNT ?? 300);
const LARGE_COUNT = Number(process.env.BENCH_LARGE_COUNT ?? 40);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 4);
const RSS_CLIENTS = 20;
const RSS_ROUNDS = Number(process.env.BENCH_RSS_ROUNDS ?? 3);

function multipart(file: Buffer, name: string): { body: Buffer; contentType: string } {
  const boundary = `----bench${randomBytes(8).toString('hex')}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="user"\r\n\r\nbench\r\n--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: image/jpeg\r\n\r\n`,
  );
  return { body: Buffer.concat([head, file, Buffer.from(`\r\n--${boundary}--\r\n`)]), contentType: `multipart/form-data; boundary=${boundary}` };
}

async function upload(url: string, token: string, body: { body: Buffer; contentType: string }): Promise<number> {
  const started = performance.now();
  const response = await fetch(`${url}/api/uploads`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': body.contentType },
    body: body.body,
  });
  await response.arrayBuffer();
  if (response.status !== 201) throw new Error(`upload answered ${response.status}`);
  return performance.now() - started;
}

const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.ceil((p / 100) * values.length) - 1)];

/** Uploads `count` copies of `file` with `concurrency` clients; MB/s over the wall time and latency percentiles. */
async function throughput(url: string, token: string, file: Buffer, count: number, concurrency: number) {
  const body = multipart(file, 'bench.jpg');
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        next++;
        latencies.push(await upload(url, token, body));
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return {
    count,
    mbPerSecond: (count * file.length) / 1e6 / seconds,
    uploadsPerSecond: count / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
  };
}

function rssMb(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : NaN;
}

async function main(): Promise<void> {
  const workDir = mkdtempSync(join(tmpdir(), 'bench-upload-'));
  const cluster = new LocalCluster(throwawayClusterOptions('benchupload', { upload: 1 }, { workDir, env: { UPLOAD_USER_QUOTA_BYTES: '0' } }));
  try {
    process.stderr.write('making test images, starting one upload replica behind HAProxy...\n');
    const [small, large] = [await noiseJpeg(100 * 1024), await noiseJpeg(5 * 1024 * 1024)];
    await cluster.start((line) => process.stderr.write(`  ${line}\n`));
    const secrets = join(workDir, 'secrets');
    const token = await signTestToken(readFileSync(join(secrets, 'jwt-private.pem'), 'utf8'), {
      kid: readFileSync(join(secrets, 'jwt-key-id'), 'utf8').trim(),
      subject: '01HZBENCH00000000000000000',
      expiresAt: Math.floor(Date.now() / 1000) + 3600,
    });
    const url = cluster.publicUrl;
    await throughput(url, token, small, 20, CONCURRENCY);

    process.stderr.write(
      `uploading ${SMALL_COUNT} x ${(small.length / 1024).toFixed(0)} KB and ${LARGE_COUNT} x ${(large.length / 1048576).toFixed(2)} MB through HAProxy...\n`,
    );
    const smallResult = await throughput(url, token, small, SMALL_COUNT, CONCURRENCY);
    const largeResult = await throughput(url, token, large, LARGE_COUNT, CONCURRENCY);

    const pid = cluster.requireReplica('upload-1').process.pid!;
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const idle = rssMb(pid);
    let peak = idle;
    const sampler = setInterval(() => (peak = Math.max(peak, rssMb(pid))), 20);
    const body = multipart(large, 'concurrent.jpg');
    const rounds: number[] = [];
    for (let round = 0; round < RSS_ROUNDS; round++) {
      const started = performance.now();
      await Promise.all(Array.from({ length: RSS_CLIENTS }, () => upload(url, token, body)));
      rounds.push(performance.now() - started);
    }
    clearInterval(sampler);

    const row = (label: string, r: typeof smallResult) =>
      `| ${label.padEnd(22)} | ${String(r.count).padStart(7)} | ${r.mbPerSecond.toFixed(1).padStart(6)} | ${r.uploadsPerSecond.toFixed(1).padStart(9)} | ${r.p50.toFixed(1).padStart(7)} | ${r.p99.toFixed(1).padStart(7)} |`;
    process.stdout.write(
      [
        '',
        `Upload through HAProxy, one replica, local driver, ${CONCURRENCY} concurrent clients`,
        '| file                   | uploads |   MB/s | uploads/s | p50 ms  | p99 ms  |',
        '| ---------------------- | ------- | ------ | --------- | ------- | ------- |',
        row(`${(small.length / 1024).toFixed(0)} KB JPEG`, smallResult),
        row(`${(large.length / 1048576).toFixed(2)} MB JPEG`, largeResult),
        '',
        `RSS of the upload replica during ${RSS_CLIENTS} concurrent ${(large.length / 1048576).toFixed(2)} MB uploads (${RSS_ROUNDS} rounds, ${((RSS_CLIENTS * large.length) / 1048576).toFixed(0)} MB in flight per round)`,
        `| idle RSS MB | peak RSS MB | growth MB | target | rounds (ms) |`,
        `| ----------- | ----------- | --------- | ------ | ----------- |`,
        `| ${idle.toFixed(1).padStart(11)} | ${peak.toFixed(1).padStart(11)} | ${(peak - idle).toFixed(1).padStart(9)} | < 50   | ${rounds.map((ms) => ms.toFixed(0)).join(', ')} |`,
        '',
      ].join('\n'),
    );
    if (peak - idle >= 50) process.exitCode = 1;
  } finally {
    await cluster.stop();
    rmSync(workDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
