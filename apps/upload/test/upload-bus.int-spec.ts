import { UPLOAD_MESSAGES, UploadSummary } from '#libs/contracts';
import { MessageBus } from '#libs/messaging';
import { PrivateNats, startPrivateNats } from '#libs/testing';
import { jpeg, postUpload, wxUploadBody } from './upload-fixtures';
import { STAFF, startUploadHarness, UploadHarness, USER_A } from './upload-test-harness';

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (error: unknown) => error,
  );
}

// Fixed subjects that a live stack on the shared NATS answers too: this file brings its own server.
describe('upload answers upload.files.get / getMany over the bus (real NATS)', () => {
  let nats: PrivateNats;
  let upload: UploadHarness;
  let bus: MessageBus;

  beforeAll(async () => {
    nats = await startPrivateNats();
    upload = await startUploadHarness({
      answersMessages: true,
      env: { NATS_URL: nats.url, MESSAGE_TIMEOUT_MS: '2000', UPLOAD_PUBLIC_BASE_URL: 'https://api.example.com' },
    });
    bus = (await upload.startReplica()).app.get(MessageBus);
  });
  afterAll(async () => {
    await upload?.close();
    await nats?.stop();
  });

  it('tells other services who owns an upload, its type and size, and its canonical (unsigned) links', async () => {
    const image = await postUpload(upload.url, await upload.userToken(USER_A), wxUploadBody(await jpeg(120, 80)));
    const summary = await bus.request<UploadSummary>(UPLOAD_MESSAGES.getFile, { id: image.body.id });
    expect(summary).toEqual({
      id: image.body.id,
      ownerKind: 'user',
      ownerId: USER_A,
      public: false,
      mime: 'image/jpeg',
      size: image.body.size,
      width: 120,
      height: 80,
      url: `https://api.example.com/api/uploads/${image.body.id}/content`,
      thumbUrl: `https://api.example.com/api/uploads/${image.body.id}/content?variant=thumb`,
      mediaCheck: null,
      createdAt: image.body.createdAt,
    });
  });

  it('answers a batch (product galleries) in the order asked, leaving unknown ids out', async () => {
    const staff = await upload.staffToken(STAFF);
    const [a, b] = [
      await postUpload(upload.url, staff, wxUploadBody(await jpeg(10, 10)), '?public=true'),
      await postUpload(upload.url, staff, wxUploadBody(await jpeg(20, 20)), '?public=true'),
    ];
    const summaries = await bus.request<UploadSummary[]>(UPLOAD_MESSAGES.getFiles, { ids: [b.body.id, '01HZ0000000000000000000000', a.body.id, b.body.id] });
    expect(summaries.map((summary) => [summary.id, summary.public, summary.ownerKind])).toEqual([
      [b.body.id, true, 'staff'],
      [a.body.id, true, 'staff'],
    ]);
  });

  it('answers UPLOAD_NOT_FOUND for an unknown id and VALIDATION_FAILED for a malformed one', async () => {
    expect(await rejection(bus.request(UPLOAD_MESSAGES.getFile, { id: '01HZ0000000000000000000000' }))).toMatchObject({
      code: 'UPLOAD_NOT_FOUND',
      status: 404,
    });
    expect(await rejection(bus.request(UPLOAD_MESSAGES.getFile, { id: '../etc' }))).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(await rejection(bus.request(UPLOAD_MESSAGES.getFiles, { ids: [] }))).toMatchObject({ code: 'VALIDATION_FAILED' });
  });
});
