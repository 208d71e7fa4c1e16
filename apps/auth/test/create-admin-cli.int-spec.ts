import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createTestDatabase, requestJson, TestDatabase } from '#libs/testing';
import { AUTH_SCHEMA } from '../src/auth-schema';
import { createStaffAccount, parseCreateStaffArguments } from '../src/cli/create-staff-account';
import { AuthHarness, startAuthHarness } from './auth-test-harness';

const run = promisify(execFile);

describe('admin:create CLI', () => {
  it('refuses bad arguments and short passwords', () => {
    expect(() => parseCreateStaffArguments(['--username', 'Bad Name'], { ADMIN_PASSWORD: 'long-enough-password' })).toThrow(/username/);
    expect(() => parseCreateStaffArguments(['--username', 'admin'], { ADMIN_PASSWORD: 'short' })).toThrow(/ADMIN_PASSWORD/);
    expect(() => parseCreateStaffArguments(['--username', 'admin', '--role', 'root'], { ADMIN_PASSWORD: 'long-enough-password' })).toThrow(/role/);
    expect(parseCreateStaffArguments(['--username', 'boss'], { ADMIN_PASSWORD: 'long-enough-password' })).toEqual({
      username: 'boss',
      password: 'long-enough-password',
      role: 'admin',
    });
  });

  describe('against a real auth database', () => {
    let auth: AuthHarness;
    beforeAll(async () => {
      auth = await startAuthHarness();
    });
    afterAll(() => auth.close());

    it('creates an admin who can then log in, and refuses a duplicate', async () => {
      const request = { username: 'cli-admin', password: 'correct horse battery', role: 'admin' as const };
      await createStaffAccount(auth.env.DATABASE_URL, request);
      const login = await requestJson(`${auth.url}/api/auth/admin/login`, { body: { username: 'cli-admin', password: 'correct horse battery' } });
      expect(login.status).toBe(200);
      expect(login.body.staff).toMatchObject({ username: 'cli-admin', role: 'admin' });
      await expect(createStaffAccount(auth.env.DATABASE_URL, request)).rejects.toMatchObject({ code: 'USERNAME_TAKEN' });
    });
  });

  describe('as a process (the built command)', () => {
    let database: TestDatabase;
    beforeAll(async () => {
      database = await createTestDatabase('auth', AUTH_SCHEMA);
    });
    afterAll(() => database.drop());

    it('exits 0 on success and 1 with a message on failure', async () => {
      const script = join(__dirname, '../../../dist/apps/auth/src/cli/create-admin.js');
      const env = { ...process.env, DATABASE_URL: database.url, ADMIN_PASSWORD: 'a-very-long-password' };
      const ok = await run(process.execPath, [script, '--username', 'proc-admin'], { env });
      expect(ok.stdout).toMatch(/admin account "proc-admin" created/);
      await expect(run(process.execPath, [script, '--username', 'proc-admin'], { env })).rejects.toMatchObject({
        code: 1,
        stderr: expect.stringMatching(/taken/),
      });
    });
  });
});
