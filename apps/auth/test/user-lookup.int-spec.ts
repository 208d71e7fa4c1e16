import { AUTH_MESSAGES, UserSummary } from '#libs/contracts';
import { AppError } from '#libs/errors';
import { currentRequestContext, runWithRequestContext } from '#libs/logging';
import { MessageBus } from '#libs/messaging';
import { PrivateNats, requestJson, startPrivateNats } from '#libs/testing';
import { ProfileService } from '../src/services/profile.service';
import { AuthHarness, AuthInstance, loginAs, startAuthHarness } from './auth-test-harness';

/** Counts the lookups one replica serves, with the request id each arrived under; the real method still does the work. */
function watchLookups(instance: AuthInstance): { requestIds: (string | undefined)[] } {
  const seen = { requestIds: [] as (string | undefined)[] };
  const profiles = instance.app.get(ProfileService);
  const original = profiles.get.bind(profiles);
  jest.spyOn(profiles, 'get').mockImplementation((userId: string) => {
    seen.requestIds.push(currentRequestContext()?.requestId);
    return original(userId);
  });
  return seen;
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (error: unknown) => error,
  );
}

// auth.users.get is a fixed subject, which a live stack on the shared NATS answers too: this file brings its own server.
describe('auth answers auth.users.get over the bus, once per message across replicas (real NATS, MariaDB)', () => {
  let nats: PrivateNats;
  let auth: AuthHarness;
  let second: AuthInstance;
  let bus: MessageBus;

  beforeAll(async () => {
    nats = await startPrivateNats();
    auth = await startAuthHarness({ NATS_URL: nats.url, MESSAGE_TIMEOUT_MS: '1000' }, { answersMessages: true });
    second = await auth.startReplica({}, { answersMessages: true });
    bus = (await auth.startReplica()).app.get(MessageBus);
  });
  afterAll(async () => {
    await auth?.close();
    await nats?.stop();
  });

  it('returns the user summary, nothing WeChat-private', async () => {
    const login = await loginAs(auth.url, '1:bus-user');
    await requestJson(`${auth.url}/api/auth/phone`, { token: login.accessToken, body: { code: 'phone:13900139000' } });
    const summary = await bus.request<UserSummary>(AUTH_MESSAGES.getUser, { userId: login.user.id });
    expect(summary).toEqual({ id: login.user.id, nickname: null, avatarUploadId: null, phone: '13900139000' });
  });

  it('hands each request to exactly one replica, both replicas taking some, with the caller’s request id', async () => {
    const login = await loginAs(auth.url, '1:bus-counted');
    const [first, other] = [watchLookups(auth), watchLookups(second)];
    const count = 30;
    const replies = await Promise.all(
      Array.from({ length: count }, (_, i) =>
        runWithRequestContext({ requestId: `lookup-${i}` }, () => bus.request<UserSummary>(AUTH_MESSAGES.getUser, { userId: login.user.id })),
      ),
    );
    expect(replies.every((reply) => reply.id === login.user.id)).toBe(true);
    expect(first.requestIds.length + other.requestIds.length).toBe(count);
    expect(first.requestIds.length).toBeGreaterThan(0);
    expect(other.requestIds.length).toBeGreaterThan(0);
    expect([...first.requestIds, ...other.requestIds].sort()).toEqual(Array.from({ length: count }, (_, i) => `lookup-${i}`).sort());
    jest.restoreAllMocks();
  });

  it('answers an unknown user with USER_NOT_FOUND, typed, and a malformed id with VALIDATION_FAILED', async () => {
    const missing = await rejection(bus.request(AUTH_MESSAGES.getUser, { userId: '01ARZ3NDEKTSV4RRFFQ69G5FAV' }));
    expect(missing).toBeInstanceOf(AppError);
    expect(missing).toMatchObject({ code: 'USER_NOT_FOUND', status: 404 });
    const malformed = await rejection(bus.request(AUTH_MESSAGES.getUser, { userId: 'DROP TABLE users' }));
    expect(malformed).toMatchObject({ code: 'VALIDATION_FAILED', status: 400 });
  });
});
