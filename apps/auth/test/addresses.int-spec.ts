import { AddressSummary, AUTH_MESSAGES } from '#libs/contracts';
import { newId } from '#libs/database';
import { AppError } from '#libs/errors';
import { MessageBus } from '#libs/messaging';
import { JsonReply, PrivateNats, requestJson, signTestToken, startPrivateNats } from '#libs/testing';
import { AuthHarness, AuthInstance, loginAs, startAuthHarness } from './auth-test-harness';

/** A valid new address; `overrides` change or add fields. */
function addressBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { name: '张三', phone: '13800138000', province: '浙江省', city: '杭州市', district: '西湖区', detail: '龙井路 1 号', ...overrides };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (error: unknown) => error,
  );
}

// auth.addresses.get is a fixed subject, which a live stack on the shared NATS answers too: this file brings its own server.
describe('the address book: GET/POST/PATCH/DELETE /api/auth/addresses and auth.addresses.get (real auth ×2, MariaDB, NATS)', () => {
  let nats: PrivateNats;
  let auth: AuthHarness;
  let second: AuthInstance;
  let bus: MessageBus;
  let userCount = 0;

  /** A new user: their token and id. */
  const newUser = async () => {
    const login = await loginAs(auth.url, `1:address-user-${++userCount}`);
    return { token: login.accessToken, id: login.user.id };
  };
  const add = (token: string, body: unknown, url = auth.url) => requestJson(`${url}/api/auth/addresses`, { token, body });
  const list = (token: string) => requestJson(`${auth.url}/api/auth/addresses`, { token });
  const patch = (token: string, id: string, body: unknown, url = auth.url) => requestJson(`${url}/api/auth/addresses/${id}`, { method: 'PATCH', token, body });
  const remove = (token: string, id: string) => requestJson(`${auth.url}/api/auth/addresses/${id}`, { method: 'DELETE', token });
  const rowsOf = (userId: string) => auth.query('SELECT * FROM addresses WHERE user_id = ? ORDER BY id', [userId]);
  const defaultsOf = async (userId: string) =>
    (await auth.query<{ id: string }>('SELECT id FROM addresses WHERE user_id = ? AND is_default = 1', [userId])).map((row) => row.id);
  /** Adds `count` addresses straight into the database (not the rule under test), the first of them the default. */
  const fill = async (userId: string, count: number) => {
    for (let i = 0; i < count; i++) {
      await auth.query(
        `INSERT INTO addresses (id, user_id, name, phone, province, city, district, detail, is_default)
         VALUES (?, ?, 'Filler', '13900139000', '浙江省', '杭州市', '西湖区', ?, ?)`,
        [newId(Date.now() - 60_000 + i), userId, `Filler ${i}`, i === 0 ? 1 : 0],
      );
    }
  };
  const expectValidationFailed = (reply: JsonReply, field: string) => {
    expect({ status: reply.status, code: reply.body.code }).toEqual({ status: 400, code: 'VALIDATION_FAILED' });
    expect(reply.body.details).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
  };

  beforeAll(async () => {
    nats = await startPrivateNats();
    auth = await startAuthHarness(
      { NATS_URL: nats.url, MESSAGE_TIMEOUT_MS: '1000', THROTTLE_LIMIT: '100000', THROTTLE_SENSITIVE_LIMIT: '100000' },
      { answersMessages: true },
    );
    second = await auth.startReplica();
    bus = (await auth.startReplica()).app.get(MessageBus);
  }, 30000);
  afterAll(async () => {
    await auth?.close();
    await nats?.stop();
  });

  it('adds, lists, changes and deletes addresses; the first is the default, and the default is listed first', async () => {
    const user = await newUser();
    expect((await list(user.token)).body).toEqual({ items: [], nextCursor: null });

    const first = await add(user.token, addressBody({ postalCode: '310000' }));
    expect(first.status).toBe(201);
    expect(first.body).toEqual({
      id: expect.stringMatching(/^[0-9A-HJKMNP-TV-Z]{26}$/),
      name: '张三',
      phone: '13800138000',
      province: '浙江省',
      city: '杭州市',
      district: '西湖区',
      detail: '龙井路 1 号',
      postalCode: '310000',
      isDefault: true,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    const second = await add(user.token, addressBody({ name: '李四', detail: '文三路 2 号' }));
    expect(second.body).toMatchObject({ name: '李四', postalCode: null, isDefault: false });
    const third = await add(user.token, addressBody({ name: '王五', isDefault: false }));
    expect(third.body.isDefault).toBe(false);
    expect((await list(user.token)).body.items.map((a: { id: string }) => a.id)).toEqual([first.body.id, third.body.id, second.body.id]);

    const changed = await patch(user.token, second.body.id, { detail: '文三路 20 号', postalCode: '310012' });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ id: second.body.id, name: '李四', detail: '文三路 20 号', postalCode: '310012', isDefault: false });
    expect((await patch(user.token, second.body.id, { postalCode: null })).body.postalCode).toBeNull();
    // wx.request cannot send PATCH: POST with X-HTTP-Method-Override does the same.
    const overridden = await requestJson(`${auth.url}/api/auth/addresses/${second.body.id}`, {
      token: user.token,
      headers: { 'x-http-method-override': 'PATCH' },
      body: { name: '李四四' },
    });
    expect(overridden.body).toMatchObject({ id: second.body.id, name: '李四四', detail: '文三路 20 号' });

    const deleted = await remove(user.token, third.body.id);
    expect(deleted.status).toBe(204);
    expect((await list(user.token)).body.items.map((a: { id: string }) => a.id)).toEqual([first.body.id, second.body.id]);
    expect((await remove(user.token, third.body.id)).body.code).toBe('ADDRESS_NOT_FOUND');
  });

  it('keeps exactly one default: isDefault moves it, deleting the default passes it to the newest remaining address', async () => {
    const user = await newUser();
    const a = (await add(user.token, addressBody({ detail: 'A' }))).body.id as string;
    const b = (await add(user.token, addressBody({ detail: 'B' }))).body.id as string;
    const c = (await add(user.token, addressBody({ detail: 'C', isDefault: true }))).body.id as string;
    expect(await defaultsOf(user.id)).toEqual([c]);
    expect((await list(user.token)).body.items.map((x: { id: string }) => x.id)).toEqual([c, b, a]);

    expect((await patch(user.token, a, { isDefault: true })).body.isDefault).toBe(true);
    expect(await defaultsOf(user.id)).toEqual([a]);
    expect((await patch(user.token, a, { isDefault: true })).body.isDefault).toBe(true);
    expect(await defaultsOf(user.id)).toEqual([a]);

    // Unsetting the default hands it to the newest other address.
    expect((await patch(user.token, a, { isDefault: false })).body.isDefault).toBe(false);
    expect(await defaultsOf(user.id)).toEqual([c]);

    // Deleting the default: the newest remaining one (b, since c is the one deleted) becomes the default.
    await remove(user.token, c);
    expect(await defaultsOf(user.id)).toEqual([b]);
    await remove(user.token, b);
    expect(await defaultsOf(user.id)).toEqual([a]);
    // The only address stays the default.
    expect((await patch(user.token, a, { isDefault: false })).body.isDefault).toBe(true);
    await remove(user.token, a);
    expect(await rowsOf(user.id)).toEqual([]);
    // A new first address is the default again, even when it asks not to be.
    expect((await add(user.token, addressBody({ isDefault: false }))).body.isDefault).toBe(true);
  });

  it('holds at most 20 addresses: the 21st is 409 ADDRESS_BOOK_FULL and adds nothing', async () => {
    const user = await newUser();
    await fill(user.id, 19);
    expect((await add(user.token, addressBody())).status).toBe(201);
    const full = await add(user.token, addressBody({ isDefault: true }));
    expect(full.status).toBe(409);
    expect(full.body).toMatchObject({ statusCode: 409, code: 'ADDRESS_BOOK_FULL' });
    const rows = await rowsOf(user.id);
    expect(rows).toHaveLength(20);
    expect(await defaultsOf(user.id)).toHaveLength(1);
    expect((await list(user.token)).body.items).toHaveLength(20);
  });

  it('concurrent adds at 19 through two replicas: exactly one is added, the others are 409 (several users, each racing)', async () => {
    const users = await Promise.all(Array.from({ length: 4 }, () => newUser()));
    for (const user of users) await fill(user.id, 19);
    const replies = await Promise.all(
      users.flatMap((user) => Array.from({ length: 4 }, (_, i) => add(user.token, addressBody({ detail: `race ${i}` }), i % 2 ? second.url : auth.url))),
    );
    for (const [index, user] of users.entries()) {
      const statuses = replies.slice(index * 4, index * 4 + 4).map((reply) => reply.status);
      expect(statuses.sort()).toEqual([201, 409, 409, 409]);
      expect(await rowsOf(user.id)).toHaveLength(20);
    }
  });

  it('concurrent first adds and concurrent "set default" through two replicas leave exactly one default', async () => {
    const users = await Promise.all(Array.from({ length: 4 }, () => newUser()));
    const firsts = await Promise.all(
      users.flatMap((user) => [0, 1, 2].map((i) => add(user.token, addressBody({ detail: `first ${i}` }), i % 2 ? second.url : auth.url))),
    );
    expect(firsts.every((reply) => reply.status === 201)).toBe(true);
    for (const user of users) expect(await defaultsOf(user.id)).toHaveLength(1);

    const ids = new Map<string, string[]>();
    for (const user of users)
      ids.set(
        user.id,
        ((await list(user.token)).body.items as { id: string }[]).map((a) => a.id),
      );
    await Promise.all(users.flatMap((user) => ids.get(user.id)!.map((id, i) => patch(user.token, id, { isDefault: true }, i % 2 ? second.url : auth.url))));
    for (const user of users) expect(await defaultsOf(user.id)).toHaveLength(1);

    // And deleting the default while another is made the default.
    await Promise.all(
      users.flatMap((user) => {
        const [one, two] = ids.get(user.id)!;
        return [remove(user.token, one), patch(user.token, two, { isDefault: true }, second.url)];
      }),
    );
    for (const user of users) expect(await defaultsOf(user.id)).toHaveLength(1);
  });

  it('another user’s address is 404 ADDRESS_NOT_FOUND for PATCH and DELETE, is not listed, and stays as it was', async () => {
    const [alice, bob] = await Promise.all([newUser(), newUser()]);
    const bobs = (await add(bob.token, addressBody({ name: 'Bob' }))).body.id as string;
    await add(alice.token, addressBody({ name: 'Alice' }));
    const before = await rowsOf(bob.id);
    for (const reply of [await patch(alice.token, bobs, { name: 'Mallory', isDefault: true }), await remove(alice.token, bobs)]) {
      expect(reply.status).toBe(404);
      expect(reply.body).toMatchObject({ statusCode: 404, code: 'ADDRESS_NOT_FOUND' });
    }
    expect((await patch(alice.token, '01ARZ3NDEKTSV4RRFFQ69G5FAV', { name: 'x' })).body.code).toBe('ADDRESS_NOT_FOUND');
    expect(((await list(alice.token)).body.items as { name: string }[]).map((a) => a.name)).toEqual(['Alice']);
    expect(await rowsOf(bob.id)).toEqual(before);
  });

  it('refuses bad input with 400 VALIDATION_FAILED and changes nothing', async () => {
    const user = await newUser();
    const bad: [Record<string, unknown>, string][] = [
      [addressBody({ phone: '12800138000' }), 'phone'],
      [addressBody({ phone: '1380013800' }), 'phone'],
      [addressBody({ phone: '+8613800138000' }), 'phone'],
      [addressBody({ postalCode: '31000' }), 'postalCode'],
      [addressBody({ postalCode: 310000 }), 'postalCode'],
      [addressBody({ name: '' }), 'name'],
      [addressBody({ name: null }), 'name'],
      [addressBody({ name: 'x'.repeat(33) }), 'name'],
      [addressBody({ detail: 'y'.repeat(121) }), 'detail'],
      [addressBody({ detail: 'line\nbreak' }), 'detail'],
      [addressBody({ province: 'abc\u202Egpj' }), 'province'],
      [addressBody({ city: undefined }), 'city'],
      [addressBody({ district: 7 }), 'district'],
      [addressBody({ isDefault: 'yes' }), 'isDefault'],
      [addressBody({ isDefault: null }), 'isDefault'],
      [addressBody({ userId: user.id }), 'userId'],
    ];
    for (const [body, field] of bad) expectValidationFailed(await add(user.token, body), field);
    expect(await rowsOf(user.id)).toEqual([]);

    const id = (await add(user.token, addressBody())).body.id as string;
    const other = (await add(user.token, addressBody({ detail: 'other' }))).body.id as string;
    const before = await rowsOf(user.id);
    const badChanges: [Record<string, unknown>, string][] = [
      [{ phone: '12800138000' }, 'phone'],
      [{ postalCode: '31000' }, 'postalCode'],
      [{ name: '' }, 'name'],
      [{ name: null }, 'name'],
      [{ city: null }, 'city'],
      [{ detail: 'y'.repeat(121) }, 'detail'],
      [{ province: 'abc\u202Egpj' }, 'province'],
      [{ district: 7 }, 'district'],
      [{ userId: user.id }, 'userId'],
      [{ isDefault: null }, 'isDefault'],
    ];
    for (const [changes, field] of badChanges) {
      // Each bad change comes with a good one (and a move of the default): none of it may be written.
      const body = field === 'isDefault' ? { detail: 'changed', ...changes } : { detail: 'changed', isDefault: true, ...changes };
      expectValidationFailed(await patch(user.token, other, body), field);
    }
    expectValidationFailed(await patch(user.token, id, { detail: 'fine', id: other }), 'id');
    expectValidationFailed(await patch(user.token, 'not-an-id', { detail: 'fine' }), 'id');
    expect(await rowsOf(user.id)).toEqual(before);
  });

  it('is for mini-program users only: no token is 401, a staff token 403', async () => {
    expect((await requestJson(`${auth.url}/api/auth/addresses`)).status).toBe(401);
    const staff = await signTestToken(auth.keys.key.privateKeyPem, {
      kind: 'staff',
      roles: ['admin'],
      subject: '01STAFF0000000000000000000',
      kid: auth.keys.key.keyId,
      expiresAt: Math.floor(Date.now() / 1000) + 3600,
    });
    expect((await add(staff, addressBody())).status).toBe(403);
  });

  it('answers auth.addresses.get with the owner’s address; another user’s, a deleted or a malformed one is refused', async () => {
    const [alice, bob] = await Promise.all([newUser(), newUser()]);
    const created = (await add(alice.token, addressBody({ postalCode: '310000' }))).body;
    const summary = await bus.request<AddressSummary>(AUTH_MESSAGES.getAddress, { userId: alice.id, addressId: created.id });
    expect(summary).toEqual({
      id: created.id,
      name: '张三',
      phone: '13800138000',
      province: '浙江省',
      city: '杭州市',
      district: '西湖区',
      detail: '龙井路 1 号',
      postalCode: '310000',
    });
    const others = await rejection(bus.request(AUTH_MESSAGES.getAddress, { userId: bob.id, addressId: created.id }));
    expect(others).toBeInstanceOf(AppError);
    expect(others).toMatchObject({ code: 'ADDRESS_NOT_FOUND', status: 404 });
    await remove(alice.token, created.id as string);
    expect(await rejection(bus.request(AUTH_MESSAGES.getAddress, { userId: alice.id, addressId: created.id }))).toMatchObject({ code: 'ADDRESS_NOT_FOUND' });
    expect(await rejection(bus.request(AUTH_MESSAGES.getAddress, { userId: alice.id, addressId: 'x' }))).toMatchObject({ code: 'VALIDATION_FAILED' });
  });
});
