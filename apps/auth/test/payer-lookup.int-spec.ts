import { AUTH_MESSAGES, PayerIdentity } from '#libs/contracts';
import { AppError } from '#libs/errors';
import { MessageBus } from '#libs/messaging';
import { PrivateNats, startPrivateNats } from '#libs/testing';
import { AuthHarness, loginAs, startAuthHarness } from './auth-test-harness';

// auth.users.payer is a fixed subject that a live stack on the shared NATS answers too: this file brings its own server.
describe('auth answers auth.users.payer (the openid a payment needs) over the bus (real NATS, MariaDB)', () => {
  let nats: PrivateNats;
  let auth: AuthHarness;
  let bus: MessageBus;

  beforeAll(async () => {
    nats = await startPrivateNats();
    auth = await startAuthHarness({ NATS_URL: nats.url, MESSAGE_TIMEOUT_MS: '1000' }, { answersMessages: true });
    bus = (await auth.startReplica()).app.get(MessageBus);
  });
  afterAll(async () => {
    await auth?.close();
    await nats?.stop();
  });

  it('returns the user’s openid', async () => {
    const login = await loginAs(auth.url, '1:payer-paula');
    await expect(bus.request<PayerIdentity>(AUTH_MESSAGES.getPayer, { userId: login.user.id })).resolves.toEqual({
      userId: login.user.id,
      openid: 'opayer-paula',
    });
  });

  it('answers USER_NOT_FOUND for an unknown user and VALIDATION_FAILED for a malformed id', async () => {
    const unknown = await bus.request(AUTH_MESSAGES.getPayer, { userId: '01ARZ3NDEKTSV4RRFFQ69G5FAV' }).catch((error: unknown) => error);
    expect(unknown).toBeInstanceOf(AppError);
    expect(unknown).toMatchObject({ code: 'USER_NOT_FOUND' });
    await expect(bus.request(AUTH_MESSAGES.getPayer, { userId: 'nope' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });
});
