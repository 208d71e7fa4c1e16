import { Body, Controller, Get, HttpCode, Patch, Post } from '@nestjs/common';
import { Authenticated, CurrentUserId } from '#libs/auth';
import { BindPhoneDto } from '../dtos/bind-phone.dto';
import { UpdateProfileDto } from '../dtos/update-profile.dto';
import { UserProfileDto } from '../dtos/user-profile.dto';
import { ProfileService } from '../services/profile.service';

@Authenticated({ users: true })
@Controller('api/auth')
export class ProfileController {
  constructor(private readonly profiles: ProfileService) {}

  @Get('me')
  me(@CurrentUserId() userId: string): Promise<UserProfileDto> {
    return this.profiles.get(userId);
  }

  @Patch('me')
  update(@CurrentUserId() userId: string, @Body() body: UpdateProfileDto): Promise<UserProfileDto> {
    return this.profiles.update(userId, body);
  }

  @Post('phone')
  @HttpCode(200)
  bindPhone(@CurrentUserId() userId: string, @Body() body: BindPhoneDto): Promise<UserProfileDto> {
    return this.profiles.bindPhone(userId, body.code);
  }
}
