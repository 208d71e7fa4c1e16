import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { APP_CONFIG } from '#libs/config';
import { AppError } from '#libs/errors';
import { AuthEnv } from '../config/auth-env';
import { StaffService } from './staff.service';
import { StaffAccountRepository } from '../repositories/staff-account.repository';

/** Creates the first admin from ADMIN_BOOTSTRAP_USERNAME/PASSWORD when no admin exists; replicas racing are settled by the unique username. */
@Injectable()
export class AdminBootstrapService implements OnApplicationBootstrap {
  private readonly logger = new Logger(AdminBootstrapService.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AuthEnv,
    private readonly accounts: StaffAccountRepository,
    private readonly staff: StaffService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { ADMIN_BOOTSTRAP_USERNAME: username, ADMIN_BOOTSTRAP_PASSWORD: password } = this.config;
    if (!username || !password || (await this.accounts.hasActiveAdmin())) return;
    try {
      await this.staff.create({ username, password, role: 'admin' });
      this.logger.log({ msg: 'first admin account created', username });
    } catch (error) {
      if (!(error instanceof AppError && error.code === 'USERNAME_TAKEN')) throw error;
    }
  }
}
