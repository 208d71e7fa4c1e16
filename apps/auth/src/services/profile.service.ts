import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, ServiceEnv } from '#libs/config';
import { UPLOAD_MESSAGES, UploadSummary } from '#libs/contracts';
import { AppError } from '#libs/errors';
import { MessageBus } from '#libs/messaging';
import { WechatContentSecurity } from '#libs/wechat';
import { WechatApiClient } from '../clients/wechat-api.client';
import { UpdateProfileDto } from '../dtos/update-profile.dto';
import { UserProfileDto } from '../dtos/user-profile.dto';
import { UserRepository } from '../repositories/user.repository';

/** A user's own profile: reading it, changing it, binding a phone number. */
@Injectable()
export class ProfileService {
  constructor(
    private readonly users: UserRepository,
    private readonly wechat: WechatApiClient,
    private readonly contentSecurity: WechatContentSecurity,
    private readonly bus: MessageBus,
    @Inject(APP_CONFIG) private readonly config: ServiceEnv,
  ) {}

  async get(userId: string): Promise<UserProfileDto> {
    const user = await this.users.findById(userId);
    if (!user) throw new AppError('USER_NOT_FOUND', 'User not found');
    if (user.avatarUploadId !== null && !(await this.avatarStillStored(user.avatarUploadId))) {
      await this.users.clearAvatars([user.avatarUploadId], user.id);
      user.avatarUploadId = null;
    }
    return UserProfileDto.from(user);
  }

  /** Upload's upload.files.deleted event: these uploads are no one's avatar any more. */
  async forgetAvatars(uploadIds: string[]): Promise<void> {
    await this.users.clearAvatars(uploadIds);
  }

  /**
   * The deletion event clears avatars at once, but an event is lost if no auth replica hears it: so a read
   * also asks upload, within half the bus timeout (auth.users.get callers wait for us meanwhile). If upload
   * does not answer, the avatar is shown until it does.
   */
  private async avatarStillStored(uploadId: string): Promise<boolean> {
    try {
      await this.bus.request<UploadSummary>(UPLOAD_MESSAGES.getFile, { id: uploadId }, Math.ceil(this.config.MESSAGE_TIMEOUT_MS / 2));
      return true;
    } catch (error) {
      return !(error instanceof AppError && error.code === 'UPLOAD_NOT_FOUND');
    }
  }

  /** The user's openid, for server-to-server WeChat calls (payments); USER_NOT_FOUND for an unknown id. */
  async openidOf(userId: string): Promise<string> {
    const openid = await this.users.findOpenid(userId);
    if (!openid) throw new AppError('USER_NOT_FOUND', 'User not found');
    return openid;
  }

  /** A nickname must pass WeChat's content check (CONTENT_REJECTED otherwise) before it is stored. */
  async update(userId: string, changes: UpdateProfileDto): Promise<UserProfileDto> {
    if (changes.nickname !== undefined) {
      const openid = await this.users.findOpenid(userId);
      if (!openid) throw new AppError('USER_NOT_FOUND', 'User not found');
      await this.contentSecurity.assertTextSafe(openid, changes.nickname, 1, 'That nickname');
    }
    if (typeof changes.avatarUploadId === 'string') await this.assertUsableAvatar(userId, changes.avatarUploadId);
    await this.users.updateProfile(userId, { nickname: changes.nickname, avatarUploadId: changes.avatarUploadId });
    return this.get(userId);
  }

  /** An avatar must be an image the user uploaded themself (asked of the upload service over the bus). */
  private async assertUsableAvatar(userId: string, uploadId: string): Promise<void> {
    const upload = await this.bus.request<UploadSummary>(UPLOAD_MESSAGES.getFile, { id: uploadId });
    if (upload.ownerKind !== 'user' || upload.ownerId !== userId || !upload.mime.startsWith('image/')) {
      throw new AppError('UPLOAD_NOT_FOUND', 'No such image among your uploads', [{ field: 'avatarUploadId', message: 'must be an image you uploaded' }]);
    }
  }

  async bindPhone(userId: string, code: string): Promise<UserProfileDto> {
    const phone = await this.wechat.phoneNumber(code);
    await this.users.bindPhone(userId, phone.purePhoneNumber, phone.countryCode);
    return this.get(userId);
  }
}
