import { Body, Controller, Get, HttpCode, Patch, Post } from '@nestjs/common';
import { CurrentPrincipal } from '#libs/auth';
import type { Principal } from '#libs/auth';
import { AppError } from '#libs/errors';
import { BindPhoneDto } from '../dtos/bind-phone.dto';
import { UpdateProfileDto } from '../dtos/update-profile.dto';
import { UserProfileDto } from '../dtos/user-profile.dto';
import { ProfileService } from '../services/profile.service';

function userIdOf(principal: Principal): string {
  if (principal.kind !== 'user') throw new AppError('FORBIDDEN', 'Staff accounts have no mini-program profile');
  return principal.id;
}

@Controller('api/auth')
export class ProfileController {
  constructor(private readonly profiles: ProfileService) {}

  @Get('me')
  me(@CurrentPrincipal() principal: Principal): Promise<UserProfileDto> {
    return this.profiles.get(userIdOf(principal));
  }

  @Patch('me')
  update(@CurrentPrincipal() principal: Principal, @Body() body: UpdateProfileDto): Promise<UserProfileDto> {
    return this.profiles.update(userIdOf(principal), body);
  }

  @Post('phone')
  @HttpCode(200)
  bindPhone(@CurrentPrincipal() principal: Principal, @Body() body: BindPhoneDto): Promise<UserProfileDto> {
    return this.profiles.bindPhone(userIdOf(principal), body.code);
  }
}
