import { QueueFactory } from '#libs/queues';
import { scrapeMetrics } from '#libs/testing';
import { eventually, jpeg, multipartBody, postUpload, wxUploadBody } from './upload-fixtures';
import { startUploadHarness, UploadHarness, USER_A } from './upload-test-harness';

describe('business and queue metrics of upload (real upload service, MariaDB, Redis, disk)', () => {
  let upload: UploadHarness;
  let alice: string;

  beforeAll(async () => {
    upload = await startUploadHarness();
    alice = await upload.userToken(USER_A);
  });
  afterAll(() => upload?.close());

  it('counts stored uploads and their bytes, and refused ones by error code', async () => {
    const before = await scrapeMetrics(upload.url);
    const bytes = await jpeg(320, 240);
    expect((await postUpload(upload.url, alice, wxUploadBody(bytes))).status).toBe(201);
    expect((await postUpload(upload.url, alice, wxUploadBody(bytes))).status).toBe(201);
    const exe = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(2000, 1)]);
    const refused = await postUpload(upload.url, alice, multipartBody([{ name: 'file', filename: 'photo.jpg', contentType: 'image/jpeg', data: exe }]));
    expect(refused.status).toBe(415);
    const after = await scrapeMetrics(upload.url);
    const moved = (name: string, labels: Record<string, string>) => after.value(name, labels) - before.value(name, labels);
    expect(moved('uploads_total', { method: 'multipart', result: 'stored' })).toBe(2);
    expect(moved('upload_bytes_total', { method: 'multipart' })).toBe(2 * bytes.length);
    expect(moved('uploads_total', { method: 'multipart', result: refused.body.code.toLowerCase() })).toBe(1);
  });

  it('counts the thumbnail jobs this replica ran, with their duration', async () => {
    const before = await scrapeMetrics(upload.url);
    const { body } = await postUpload(upload.url, alice, wxUploadBody(await jpeg(800, 600)));
    await eventually(async () =>
      (await upload.query<{ thumb_status: string }>('SELECT thumb_status FROM uploads WHERE id = ?', [body.id]))[0]?.thumb_status === 'ready'
        ? true
        : undefined,
    );
    const after = await eventually(async () => {
      const scrape = await scrapeMetrics(upload.url);
      return scrape.value('queue_job_runs_total', { queue: 'thumbnails', result: 'completed' }) >
        before.value('queue_job_runs_total', { queue: 'thumbnails', result: 'completed' })
        ? scrape
        : undefined;
    });
    expect(after.value('queue_job_duration_seconds_count', { queue: 'thumbnails', service: 'upload' })).toBeGreaterThan(0);
  });

  it('reads each queue’s jobs by state from Redis at scrape time, and counts failed runs', async () => {
    const factory = upload.app.get(QueueFactory);
    const backlog = factory.queue('metrics-backlog');
    await backlog.addBulk([1, 2, 3].map((n) => ({ name: 'job', data: { n } })));
    await backlog.add('later', {}, { delay: 60000 });
    let scrape = await scrapeMetrics(upload.url);
    expect(scrape.value('queue_jobs', { queue: 'metrics-backlog', state: 'waiting' })).toBe(3);
    expect(scrape.value('queue_jobs', { queue: 'metrics-backlog', state: 'delayed' })).toBe(1);
    expect(scrape.value('queue_jobs', { queue: 'metrics-backlog', state: 'active' })).toBe(0);
    expect(scrape.has('queue_jobs', { queue: 'thumbnails', state: 'waiting' })).toBe(true);

    factory.worker('metrics-backlog', async () => {
      throw new Error('refused on purpose');
    });
    scrape = await eventually(async () => {
      const current = await scrapeMetrics(upload.url);
      return current.value('queue_jobs', { queue: 'metrics-backlog', state: 'failed' }) === 3 ? current : undefined;
    });
    expect(scrape.value('queue_jobs', { queue: 'metrics-backlog', state: 'waiting' })).toBe(0);
    expect(scrape.value('queue_job_runs_total', { queue: 'metrics-backlog', result: 'failed' })).toBe(3);
  });
});
