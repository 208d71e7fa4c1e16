import { Injectable } from '@nestjs/common';
import { CreateStaffDto } from '../dtos/create-staff.dto';
import { StaffAccountDto } from '../dtos/staff-account.dto';
import { StaffAccountRepository } from '../repositories/staff-account.repository';
import { PasswordHasher } from './password-hasher';

/** Creating and listing staff accounts: needs the auth database only, so admin:create uses it as the API does. */
@Injectable()
export class StaffAccountService {
  constructor(
    private readonly accounts: StaffAccountRepository,
    private readonly hasher: PasswordHasher,
  ) {}

  /** USERNAME_TAKEN when the name exists. */
  async create(request: CreateStaffDto): Promise<StaffAccountDto> {
    const account = await this.accounts.create(request.username, await this.hasher.hash(request.password), request.role);
    return StaffAccountDto.from(account);
  }

  async list(): Promise<StaffAccountDto[]> {
    return (await this.accounts.listAll()).map(StaffAccountDto.from);
  }
}
