import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, ServiceEnv } from '#libs/config';
import { CheckImagesRequest, UPLOAD_MESSAGES, UploadSummary } from '#libs/contracts';
import { AppError } from '#libs/errors';
import { MessageBus } from '#libs/messaging';
import { WechatContentSecurity } from '#libs/wechat';
import { WechatApiClient } from '../clients/wechat-api.client';
import { UpdateProfileDto } from '../dtos/update-profile.dto';
import { UserProfileDto } from '../dtos/user-profile.dto';
import { UserRepository } from '../repositories/user.repository';

/** msgSecCheck's and mediaCheckAsync's "profile" scene. */
const PROFILE_SCENE = 1;

/** How an avatar may be shown: to everyone, not yet (WeChat's media check has not passed it, or cannot be asked), or never. */
type AvatarState = 'shown' | 'pending' | 'removed';

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
    const state = user.avatarUploadId === null ? 'shown' : await this.avatarState(user.avatarUploadId);
    if (state === 'removed') {
      await this.users.clearAvatars([user.avatarUploadId!], user.id);
      user.avatarUploadId = null;
    }
    return UserProfileDto.from(user, state === 'pending');
  }

  /** Upload's upload.files.deleted and upload.files.blocked events: these uploads are no one's avatar any more. */
  async forgetAvatars(uploadIds: string[]): Promise<void> {
    await this.users.clearAvatars(uploadIds);
  }

  /**
   * The deletion and blocking events clear avatars at once, but an event is lost if no auth replica hears it: so a
   * read also asks upload, within half the bus timeout (auth.users.get callers wait for us meanwhile). A deleted or
   * risky image is removed; one WeChat has not passed yet is held back, and so is one upload cannot vouch for now.
   */
  private async avatarState(uploadId: string): Promise<AvatarState> {
    try {
      const upload = await this.bus.request<UploadSummary>(UPLOAD_MESSAGES.getFile, { id: uploadId }, Math.ceil(this.config.MESSAGE_TIMEOUT_MS / 2));
      if (upload.mediaCheck === 'risky') return 'removed';
      // An avatar chosen before media checks existed has no check: it stays as it was.
      return upload.mediaCheck === 'pending' ? 'pending' : 'shown';
    } catch (error) {
      return error instanceof AppError && error.code === 'UPLOAD_NOT_FOUND' ? 'removed' : 'pending';
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
      await this.contentSecurity.assertTextSafe(openid, changes.nickname, PROFILE_SCENE, 'That nickname');
    }
    if (typeof changes.avatarUploadId === 'string') await this.checkAvatar(userId, changes.avatarUploadId);
    await this.users.updateProfile(userId, { nickname: changes.nickname, avatarUploadId: changes.avatarUploadId });
    return this.get(userId);
  }

  /**
   * An avatar must be an image the user uploaded themself; upload sends it to WeChat's media check (once), and it is
   * shown from the pass on. One already found risky is 422 CONTENT_REJECTED.
   */
  private async checkAvatar(userId: string, uploadId: string): Promise<void> {
    const openid = await this.openidOf(userId);
    const [upload] = await this.bus.request<UploadSummary[], CheckImagesRequest>(UPLOAD_MESSAGES.checkImages, {
      ids: [uploadId],
      openid,
      scene: PROFILE_SCENE,
    });
    if (!upload || upload.ownerKind !== 'user' || upload.ownerId !== userId) {
      throw new AppError('UPLOAD_NOT_FOUND', 'No such image among your uploads', [{ field: 'avatarUploadId', message: 'must be an image you uploaded' }]);
    }
    if (upload.mediaCheck === 'risky') throw new AppError('CONTENT_REJECTED', 'That image is not allowed');
  }

  async bindPhone(userId: string, code: string): Promise<UserProfileDto> {
    const phone = await this.wechat.phoneNumber(code);
    await this.users.bindPhone(userId, phone.purePhoneNumber, phone.countryCode);
    return this.get(userId);
  }
}
