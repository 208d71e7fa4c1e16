import { DataSource } from 'typeorm';
import { StaffRole } from '#libs/auth';
import { createDataSourceOptions } from '#libs/database';
import { AUTH_SCHEMA } from '../auth-schema';
import { StaffAccountRepository } from '../repositories/staff-account.repository';
import { PasswordHasher } from '../services/password-hasher';

/** What the command line asked for. */
export interface StaffAccountRequest {
  username: string;
  password: string;
  role: StaffRole;
}

/** Parses `--username NAME [--role admin|staff]`; the password comes from ADMIN_PASSWORD, never from argv. */
export function parseCreateStaffArguments(argv: string[], env: NodeJS.ProcessEnv): StaffAccountRequest {
  const value = (flag: string) => (argv.includes(flag) ? argv[argv.indexOf(flag) + 1] : undefined);
  const username = value('--username');
  const role = (value('--role') ?? 'admin') as StaffRole;
  const password = env.ADMIN_PASSWORD ?? '';
  if (!username || !/^[a-z0-9_.-]{3,32}$/.test(username)) throw new Error('--username must be 3-32 of a-z 0-9 _ . -');
  if (role !== 'admin' && role !== 'staff') throw new Error('--role must be admin or staff');
  if (password.length < 12) throw new Error('ADMIN_PASSWORD must be set to at least 12 characters');
  return { username, password, role };
}

/** Creates the account in the auth database at `databaseUrl`; returns its id. */
export async function createStaffAccount(databaseUrl: string, request: StaffAccountRequest): Promise<string> {
  const dataSource = await new DataSource(createDataSourceOptions(databaseUrl, AUTH_SCHEMA, 1)).initialize();
  try {
    const hash = await new PasswordHasher().hash(request.password);
    return (await new StaffAccountRepository(dataSource).create(request.username, hash, request.role)).id;
  } finally {
    await dataSource.destroy();
  }
}
