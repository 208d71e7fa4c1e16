import { Body, Controller, Delete, Get, HttpCode, Param, Post, UseInterceptors } from '@nestjs/common';
import { ApiErrors, ApiPageResponse } from '#libs/api-docs';
import { Public, Roles } from '#libs/auth';
import { IdParamDto } from '#libs/contracts';
import { SensitiveRoute } from '#libs/throttling';
import { CreateStaffDto } from '../dtos/create-staff.dto';
import { ResetStaffPasswordDto } from '../dtos/reset-staff-password.dto';
import { StaffAccountDto } from '../dtos/staff-account.dto';
import { StaffLoginDto } from '../dtos/staff-login.dto';
import { StaffLoginResultDto } from '../dtos/staff-login-result.dto';
import { StaffService } from '../services/staff.service';
import { RetryAfterInterceptor } from './retry-after.interceptor';

@Controller('api/auth/admin')
export class StaffController {
  constructor(private readonly staff: StaffService) {}

  /** Logs a staff account in with its username and password; repeated failures lock the username for a while (Retry-After). */
  @Public()
  @SensitiveRoute()
  @UseInterceptors(RetryAfterInterceptor)
  @Post('login')
  @HttpCode(200)
  @ApiErrors('INVALID_CREDENTIALS', 'LOGIN_LOCKED')
  login(@Body() body: StaffLoginDto): Promise<StaffLoginResultDto> {
    return this.staff.login(body.username, body.password);
  }

  /** Every staff account, disabled ones included, oldest first (one page). */
  @Roles('admin')
  @Get('staff')
  @ApiPageResponse(StaffAccountDto)
  async list(): Promise<{ items: StaffAccountDto[]; nextCursor: null }> {
    return { items: await this.staff.list(), nextCursor: null };
  }

  /** Creates a staff account. */
  @Roles('admin')
  @Post('staff')
  @ApiErrors('USERNAME_TAKEN')
  create(@Body() body: CreateStaffDto): Promise<StaffAccountDto> {
    return this.staff.create(body);
  }

  /** Sets a new password on an active staff account and signs it out everywhere. */
  @Roles('admin')
  @Post('staff/:id/password')
  @HttpCode(204)
  @ApiErrors('NOT_FOUND')
  resetPassword(@Param() params: IdParamDto, @Body() body: ResetStaffPasswordDto): Promise<void> {
    return this.staff.resetPassword(params.id, body.password);
  }

  /** Disables a staff account and signs it out everywhere. */
  @Roles('admin')
  @Delete('staff/:id')
  @HttpCode(204)
  @ApiErrors('NOT_FOUND')
  disable(@Param() params: IdParamDto): Promise<void> {
    return this.staff.disable(params.id);
  }
}
