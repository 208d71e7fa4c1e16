import { requestJson } from '#libs/testing';
import { AuthHarness, decodeClaims, loginAs, loginStaff, startAuthHarness, StaffLogin } from './auth-test-harness';

const ADMIN = { username: 'first-admin', password: 'first admin passphrase' };

describe('staff accounts (real auth, MariaDB, Redis)', () => {
  let auth: AuthHarness;
  let admin: StaffLogin;
  const url = (path: string) => `${auth.url}${path}`;
  const createStaff = (body: Record<string, unknown>, token = admin.accessToken) => requestJson(url('/api/auth/admin/staff'), { token, body });

  beforeAll(async () => {
    auth = await startAuthHarness({ ADMIN_BOOTSTRAP_USERNAME: ADMIN.username, ADMIN_BOOTSTRAP_PASSWORD: ADMIN.password });
    admin = await loginStaff(auth.url, ADMIN.username, ADMIN.password);
  });
  afterAll(() => auth.close());

  it('bootstraps the first admin from the environment, storing only an argon2id hash', async () => {
    expect(admin.staff).toMatchObject({ username: ADMIN.username, role: 'admin', disabled: false });
    expect(decodeClaims(admin.accessToken)).toMatchObject({ kind: 'staff', roles: ['admin'], sub: admin.staff.id });
    expect(admin.refreshToken).toEqual(expect.any(String));
    const [row] = await auth.query<{ password_hash: string }>('SELECT password_hash FROM staff_accounts WHERE username = ?', [ADMIN.username]);
    expect(row.password_hash).toMatch(/^\$argon2id\$/);
    expect(row.password_hash).not.toContain(ADMIN.password);
  });

  it('does not bootstrap again once an admin exists, nor reset the admin’s password', async () => {
    await auth.startReplica({ ADMIN_BOOTSTRAP_USERNAME: 'second-admin', ADMIN_BOOTSTRAP_PASSWORD: 'second admin passphrase' });
    await auth.startReplica({ ADMIN_BOOTSTRAP_PASSWORD: 'a replaced passphrase' });
    const admins = await auth.query<{ username: string }>("SELECT username FROM staff_accounts WHERE role = 'admin'");
    expect(admins.map((a) => a.username)).toEqual([ADMIN.username]);
    await expect(loginStaff(auth.url, ADMIN.username, ADMIN.password)).resolves.toBeDefined();
  });

  it('answers a wrong password and an unknown username alike: 401 INVALID_CREDENTIALS', async () => {
    const wrongPassword = await requestJson(url('/api/auth/admin/login'), { body: { username: ADMIN.username, password: 'not the passphrase' } });
    const unknownUser = await requestJson(url('/api/auth/admin/login'), { body: { username: 'nobody-here', password: ADMIN.password } });
    for (const reply of [wrongPassword, unknownUser]) {
      expect(reply.status).toBe(401);
      expect(reply.body).toMatchObject({ statusCode: 401, code: 'INVALID_CREDENTIALS', requestId: reply.headers.get('x-request-id') });
    }
    expect(wrongPassword.body.message).toBe(unknownUser.body.message);
  });

  it('lets an admin create staff accounts, never showing a password or hash; a taken username is 409 USERNAME_TAKEN', async () => {
    const created = await createStaff({ username: 'clerk-one', password: 'clerk one passphrase', role: 'staff' });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.stringMatching(/^[0-9A-HJKMNP-TV-Z]{26}$/),
      username: 'clerk-one',
      role: 'staff',
      disabled: false,
      createdAt: expect.any(String),
    });
    const clerk = await loginStaff(auth.url, 'clerk-one', 'clerk one passphrase');
    expect(decodeClaims(clerk.accessToken)).toMatchObject({ kind: 'staff', roles: ['staff'] });

    const duplicate = await createStaff({ username: 'clerk-one', password: 'another passphrase', role: 'admin' });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.code).toBe('USERNAME_TAKEN');

    const list = await requestJson(url('/api/auth/admin/staff'), { token: admin.accessToken });
    expect(list.status).toBe(200);
    expect(list.body.nextCursor).toBeNull();
    expect(list.body.items.map((a: { username: string }) => a.username)).toEqual(expect.arrayContaining([ADMIN.username, 'clerk-one']));
    expect(JSON.stringify(list.body)).not.toMatch(/password|hash|argon/i);
  });

  it('validates new accounts: username shape, password length, known role', async () => {
    for (const body of [
      { username: 'Bad Name', password: 'long enough passphrase', role: 'staff' },
      { username: 'short-pass', password: 'too short', role: 'staff' },
      { username: 'root-role', password: 'long enough passphrase', role: 'root' },
    ]) {
      const reply = await createStaff(body);
      expect(reply.status).toBe(400);
      expect(reply.body.code).toBe('VALIDATION_FAILED');
    }
  });

  it('keeps the admin routes from staff without the admin role (403), users (403) and anonymous callers (401)', async () => {
    await createStaff({ username: 'clerk-two', password: 'clerk two passphrase', role: 'staff' });
    const clerk = await loginStaff(auth.url, 'clerk-two', 'clerk two passphrase');
    const user = await loginAs(auth.url, '1:staff-curious-user');
    const calls = (token?: string) => [
      requestJson(url('/api/auth/admin/staff'), { token }),
      requestJson(url('/api/auth/admin/staff'), { token, body: { username: 'sneaky', password: 'sneaky passphrase', role: 'admin' } }),
      requestJson(url(`/api/auth/admin/staff/${admin.staff.id}`), { method: 'DELETE', token }),
    ];
    for (const reply of await Promise.all([...calls(clerk.accessToken), ...calls(user.accessToken)])) {
      expect(reply.status).toBe(403);
      expect(reply.body.code).toBe('FORBIDDEN');
    }
    for (const reply of await Promise.all(calls(undefined))) expect(reply.body.code).toBe('UNAUTHENTICATED');
    expect(await auth.query("SELECT id FROM staff_accounts WHERE username = 'sneaky'")).toEqual([]);
    expect(
      (await requestJson(url('/api/auth/admin/staff'), { token: admin.accessToken })).body.items.find((a: { id: string }) => a.id === admin.staff.id).disabled,
    ).toBe(false);
  });

  it('gives staff no mini-program profile: /me and /phone are 403', async () => {
    for (const reply of [
      await requestJson(url('/api/auth/me'), { token: admin.accessToken }),
      await requestJson(url('/api/auth/me'), { method: 'PATCH', token: admin.accessToken, body: { nickname: 'Boss' } }),
      await requestJson(url('/api/auth/phone'), { token: admin.accessToken, body: { code: 'phone:13800138000' } }),
    ]) {
      expect(reply.status).toBe(403);
      expect(reply.body.code).toBe('FORBIDDEN');
    }
  });

  it('refreshes a staff session keeping its kind and role', async () => {
    await createStaff({ username: 'clerk-three', password: 'clerk three passphrase', role: 'staff' });
    const clerk = await loginStaff(auth.url, 'clerk-three', 'clerk three passphrase');
    const refreshed = await requestJson(url('/api/auth/refresh'), { body: { refreshToken: clerk.refreshToken } });
    expect(refreshed.status).toBe(200);
    expect(decodeClaims(refreshed.body.accessToken)).toMatchObject({
      kind: 'staff',
      roles: ['staff'],
      sub: clerk.staff.id,
      sid: decodeClaims(clerk.accessToken).sid,
    });
    expect((await requestJson(url('/api/auth/admin/staff'), { token: refreshed.body.accessToken })).status).toBe(403);

    const adminRefreshed = await requestJson(url('/api/auth/refresh'), { body: { refreshToken: admin.refreshToken } });
    expect(decodeClaims(adminRefreshed.body.accessToken)).toMatchObject({ kind: 'staff', roles: ['admin'] });
    expect((await requestJson(url('/api/auth/admin/staff'), { token: adminRefreshed.body.accessToken })).status).toBe(200);
    admin = { ...admin, ...adminRefreshed.body };
  });

  it('disables an account: every live session of it is refused at once, its refresh and login fail', async () => {
    const created = await createStaff({ username: 'leaver', password: 'leaver passphrase', role: 'staff' });
    const phone = await loginStaff(auth.url, 'leaver', 'leaver passphrase');
    const laptop = await loginStaff(auth.url, 'leaver', 'leaver passphrase');
    expect((await requestJson(url('/api/auth/logout'), { method: 'POST', token: laptop.accessToken })).status).toBe(204);
    const desktop = await loginStaff(auth.url, 'leaver', 'leaver passphrase');

    const disabled = await requestJson(url(`/api/auth/admin/staff/${created.body.id}`), { method: 'DELETE', token: admin.accessToken });
    expect(disabled.status).toBe(204);
    for (const session of [phone, desktop]) {
      const reply = await requestJson(url('/api/auth/admin/staff'), { token: session.accessToken });
      expect(reply.status).toBe(401);
      expect(reply.body.code).toBe('SESSION_REVOKED');
      const refresh = await requestJson(url('/api/auth/refresh'), { body: { refreshToken: session.refreshToken } });
      expect(refresh.status).toBe(401);
      expect(refresh.body.code).toBe('SESSION_REVOKED');
    }
    const login = await requestJson(url('/api/auth/admin/login'), { body: { username: 'leaver', password: 'leaver passphrase' } });
    expect(login.status).toBe(401);
    expect(login.body.code).toBe('INVALID_CREDENTIALS');
    const list = await requestJson(url('/api/auth/admin/staff'), { token: admin.accessToken });
    expect(list.body.items.find((a: { id: string }) => a.id === created.body.id)).toMatchObject({ disabled: true });
    const revoked = await auth.query<{ revoked_reason: string }>('SELECT revoked_reason FROM sessions WHERE subject_id = ? ORDER BY id', [created.body.id]);
    expect(revoked.map((s) => s.revoked_reason)).toEqual(['account_disabled', 'logout', 'account_disabled']);
  });

  it('answers disabling an unknown or already disabled account with 404, and a malformed id with 400', async () => {
    const created = await createStaff({ username: 'twice', password: 'twice passphrase', role: 'staff' });
    const path = url(`/api/auth/admin/staff/${created.body.id}`);
    expect((await requestJson(path, { method: 'DELETE', token: admin.accessToken })).status).toBe(204);
    const again = await requestJson(path, { method: 'DELETE', token: admin.accessToken });
    expect(again.status).toBe(404);
    expect(again.body.code).toBe('NOT_FOUND');
    expect((await requestJson(url('/api/auth/admin/staff/01ARZ3NDEKTSV4RRFFQ69G5FAV'), { method: 'DELETE', token: admin.accessToken })).status).toBe(404);
    const malformed = await requestJson(url('/api/auth/admin/staff/not-an-id'), { method: 'DELETE', token: admin.accessToken });
    expect(malformed.status).toBe(400);
    expect(malformed.body.code).toBe('VALIDATION_FAILED');
  });

  it('resets a password: the old one and every session of the account stop working, the new one logs in; admins only', async () => {
    const created = await createStaff({ username: 'forgetful', password: 'forgetful passphrase', role: 'staff' });
    const session = await loginStaff(auth.url, 'forgetful', 'forgetful passphrase');
    const reset = (id: string, body: unknown, token = admin.accessToken) => requestJson(url(`/api/auth/admin/staff/${id}/password`), { token, body });

    const refused = await reset(created.body.id, { password: 'staff cannot do this' }, session.accessToken);
    expect([refused.status, refused.body.code]).toEqual([403, 'FORBIDDEN']);
    for (const body of [
      {},
      { password: 'too short' },
      { password: 12345678901234 },
      { password: 'x'.repeat(257) },
      { password: 'long enough pass', extra: 1 },
    ]) {
      const bad = await reset(created.body.id, body);
      expect([JSON.stringify(body), bad.status, bad.body.code]).toEqual([JSON.stringify(body), 400, 'VALIDATION_FAILED']);
    }
    expect((await requestJson(url('/api/auth/admin/login'), { body: { username: 'forgetful', password: 'forgetful passphrase' } })).status).toBe(200);

    expect((await reset(created.body.id, { password: 'remembered passphrase' })).status).toBe(204);
    const old = await requestJson(url('/api/auth/refresh'), { body: { refreshToken: session.refreshToken } });
    expect([old.status, old.body.code]).toEqual([401, 'SESSION_REVOKED']);
    const oldPassword = await requestJson(url('/api/auth/admin/login'), { body: { username: 'forgetful', password: 'forgetful passphrase' } });
    expect([oldPassword.status, oldPassword.body.code]).toEqual([401, 'INVALID_CREDENTIALS']);
    const renewed = await loginStaff(auth.url, 'forgetful', 'remembered passphrase');
    expect(renewed.staff).toMatchObject({ id: created.body.id, role: 'staff', disabled: false });
    const reasons = await auth.query<{ revoked_reason: string | null }>('SELECT revoked_reason FROM sessions WHERE subject_id = ? ORDER BY id', [
      created.body.id,
    ]);
    expect(reasons.map((row) => row.revoked_reason)).toEqual(['password_reset', 'password_reset', null]);

    expect((await reset('01ARZ3NDEKTSV4RRFFQ69G5FAV', { password: 'nobody has this one' })).status).toBe(404);
    expect((await requestJson(url(`/api/auth/admin/staff/${created.body.id}`), { method: 'DELETE', token: admin.accessToken })).status).toBe(204);
    const disabled = await reset(created.body.id, { password: 'too late for this one' });
    expect([disabled.status, disabled.body.code]).toEqual([404, 'NOT_FOUND']);
  });
});
