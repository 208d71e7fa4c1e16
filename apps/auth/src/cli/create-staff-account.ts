import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { DataSource } from 'typeorm';
import { createDataSourceOptions } from '#libs/database';
import { AUTH_SCHEMA } from '../auth-schema';
import { CreateStaffDto } from '../dtos/create-staff.dto';
import { StaffAccountRepository } from '../repositories/staff-account.repository';
import { PasswordHasher } from '../services/password-hasher';
import { StaffAccountService } from '../services/staff-account.service';

/** Where each field of CreateStaffDto comes from on the command line. */
const SOURCES: Record<keyof CreateStaffDto, string> = { username: '--username', password: 'ADMIN_PASSWORD', role: '--role' };

/**
 * Parses `--username NAME [--role admin|staff]` (the password comes from ADMIN_PASSWORD, never from argv) and
 * validates it with CreateStaffDto, as POST /api/auth/admin/staff does; the error names the flag or variable.
 */
export function parseCreateStaffArguments(argv: string[], env: NodeJS.ProcessEnv): CreateStaffDto {
  const value = (flag: string) => (argv.includes(flag) ? argv[argv.indexOf(flag) + 1] : undefined);
  const request = plainToInstance(CreateStaffDto, { username: value('--username'), password: env.ADMIN_PASSWORD, role: value('--role') ?? 'admin' });
  const problems = validateSync(request, { whitelist: true, forbidNonWhitelisted: true });
  if (problems.length) {
    throw new Error(
      problems.map(({ property, constraints }) => `${SOURCES[property as keyof CreateStaffDto]}: ${Object.values(constraints ?? {}).join(', ')}`).join('; '),
    );
  }
  return request;
}

/** Creates the account in the auth database at `databaseUrl` through StaffAccountService; returns its id. */
export async function createStaffAccount(databaseUrl: string, request: CreateStaffDto): Promise<string> {
  const dataSource = await new DataSource(createDataSourceOptions(databaseUrl, AUTH_SCHEMA, 1)).initialize();
  try {
    return (await new StaffAccountService(new StaffAccountRepository(dataSource), new PasswordHasher()).create(request)).id;
  } finally {
    await dataSource.destroy();
  }
}
