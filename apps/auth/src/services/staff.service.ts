import { Injectable } from '@nestjs/common';
import { AppError } from '#libs/errors';
import { CreateStaffDto } from '../dtos/create-staff.dto';
import { StaffAccountDto } from '../dtos/staff-account.dto';
import { StaffLoginResultDto } from '../dtos/staff-login-result.dto';
import { AuthMetrics } from '../metrics/auth.metrics';
import { StaffAccountRepository } from '../repositories/staff-account.repository';
import { PasswordHasher } from './password-hasher';
import { SessionService } from './session.service';
import { StaffAccountService } from './staff-account.service';
import { StaffLoginAttemptsService } from './staff-login-attempts.service';

/** Staff accounts: password login, creation by an admin, password reset, disabling. */
@Injectable()
export class StaffService {
  constructor(
    private readonly accounts: StaffAccountRepository,
    private readonly hasher: PasswordHasher,
    private readonly accountService: StaffAccountService,
    private readonly sessions: SessionService,
    private readonly attempts: StaffLoginAttemptsService,
    private readonly metrics: AuthMetrics,
  ) {}

  /** Same answer for an unknown name, a wrong password or a disabled account; a name under backoff is 429 LOGIN_LOCKED. */
  async login(username: string, password: string): Promise<StaffLoginResultDto> {
    try {
      const result = await this.checkAndOpen(username, password);
      this.metrics.login('staff');
      return result;
    } catch (error) {
      this.metrics.login('staff', error);
      throw error;
    }
  }

  private async checkAndOpen(username: string, password: string): Promise<StaffLoginResultDto> {
    const account = await this.accounts.findForLogin(username);
    // Counted under the stored name when it matches one (MySQL ignores case and accents), so no spelling escapes
    // the count; an unknown name is counted the same way. A locked name is refused before the costly hash check.
    const countedAs = account?.username ?? username;
    await this.attempts.begin(countedAs);
    const valid = await this.hasher.verify(account?.passwordHash, password);
    if (!account || !valid || account.disabledAt) throw new AppError('INVALID_CREDENTIALS', 'Wrong username or password');
    await this.attempts.succeeded(countedAs);
    const tokens = await this.sessions.open('staff', account.id, [account.role]);
    return { ...tokens, staff: StaffAccountDto.from(account) };
  }

  create(request: CreateStaffDto): Promise<StaffAccountDto> {
    return this.accountService.create(request);
  }

  list(): Promise<StaffAccountDto[]> {
    return this.accountService.list();
  }

  /** Gives an active account a new password and signs it out everywhere: the old password and its sessions stop working. */
  async resetPassword(id: string, password: string): Promise<void> {
    if (!(await this.accounts.setPasswordHash(id, await this.hasher.hash(password)))) throw new AppError('NOT_FOUND', 'No such active staff account');
    await this.sessions.revokeAll('staff', id, 'password_reset');
  }

  /** Disables an account and signs it out everywhere. */
  async disable(id: string): Promise<void> {
    if (!(await this.accounts.disable(id))) throw new AppError('NOT_FOUND', 'No such active staff account');
    await this.sessions.revokeAll('staff', id, 'account_disabled');
  }
}
