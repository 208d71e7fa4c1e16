import { Body, Controller, Get, HttpCode, Patch, Post } from '@nestjs/common';
import { ApiErrors } from '#libs/api-docs';
import { Authenticated, CurrentUserId } from '#libs/auth';
import { BindPhoneDto } from '../dtos/bind-phone.dto';
import { UpdateProfileDto } from '../dtos/update-profile.dto';
import { UserProfileDto } from '../dtos/user-profile.dto';
import { ProfileService } from '../services/profile.service';

@Authenticated({ users: true })
@Controller('api/auth')
export class ProfileController {
  constructor(private readonly profiles: ProfileService) {}

  /** The caller's own profile. */
  @Get('me')
  @ApiErrors('USER_NOT_FOUND')
  me(@CurrentUserId() userId: string): Promise<UserProfileDto> {
    return this.profiles.get(userId);
  }

  /** Changes the caller's nickname (after WeChat's content check) or avatar, and answers the profile. */
  @Patch('me')
  @ApiErrors('USER_NOT_FOUND', 'CONTENT_REJECTED', 'UPLOAD_NOT_FOUND', 'WECHAT_UNAVAILABLE')
  update(@CurrentUserId() userId: string, @Body() body: UpdateProfileDto): Promise<UserProfileDto> {
    return this.profiles.update(userId, body);
  }

  /** Binds the phone number of a getPhoneNumber button code to the caller, and answers the profile. */
  @Post('phone')
  @HttpCode(200)
  @ApiErrors('PHONE_CODE_INVALID', 'WECHAT_UNAVAILABLE', 'USER_NOT_FOUND')
  bindPhone(@CurrentUserId() userId: string, @Body() body: BindPhoneDto): Promise<UserProfileDto> {
    return this.profiles.bindPhone(userId, body.code);
  }
}
