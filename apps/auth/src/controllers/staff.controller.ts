import { Body, Controller, Delete, Get, HttpCode, Param, Post, UseInterceptors } from '@nestjs/common';
import { Public, Roles } from '#libs/auth';
import { SensitiveRoute } from '#libs/throttling';
import { CreateStaffDto } from '../dtos/create-staff.dto';
import { StaffAccountDto } from '../dtos/staff-account.dto';
import { StaffLoginDto } from '../dtos/staff-login.dto';
import { IdParamDto } from '#libs/contracts';
import { StaffLoginResult, StaffService } from '../services/staff.service';
import { RetryAfterInterceptor } from './retry-after.interceptor';

@Controller('api/auth/admin')
export class StaffController {
  constructor(private readonly staff: StaffService) {}

  @Public()
  @SensitiveRoute()
  @UseInterceptors(RetryAfterInterceptor)
  @Post('login')
  @HttpCode(200)
  login(@Body() body: StaffLoginDto): Promise<StaffLoginResult> {
    return this.staff.login(body.username, body.password);
  }

  @Roles('admin')
  @Get('staff')
  async list(): Promise<{ items: StaffAccountDto[]; nextCursor: null }> {
    return { items: await this.staff.list(), nextCursor: null };
  }

  @Roles('admin')
  @Post('staff')
  create(@Body() body: CreateStaffDto): Promise<StaffAccountDto> {
    return this.staff.create(body);
  }

  @Roles('admin')
  @Delete('staff/:id')
  @HttpCode(204)
  disable(@Param() params: IdParamDto): Promise<void> {
    return this.staff.disable(params.id);
  }
}
