import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In } from 'typeorm';
import { newId } from '#libs/database';
import { User } from '../entities/user.entity';

/** What WeChat told us about a user at login. */
export interface WechatIdentity {
  openid: string;
  unionid: string | null;
  sessionKey: string;
}

/** Fields a user may change on their own profile. */
export interface ProfileChanges {
  nickname?: string;
  avatarUploadId?: string | null;
}

/** Storage of mini-program users. */
@Injectable()
export class UserRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private get users() {
    return this.dataSource.getRepository(User);
  }

  /** Creates the user on first login, refreshes session_key (and unionid when given) afterwards; one statement, safe under concurrent logins. */
  async upsertByOpenid(identity: WechatIdentity): Promise<User> {
    await this.dataSource.query(
      `INSERT INTO users (id, openid, unionid, session_key) VALUES (?, ?, ?, ?)
       ON DUPLICATE KEY UPDATE session_key = VALUES(session_key), unionid = COALESCE(VALUES(unionid), unionid)`,
      [newId(), identity.openid, identity.unionid, identity.sessionKey],
    );
    return this.users.findOneByOrFail({ openid: identity.openid });
  }

  findById(id: string): Promise<User | null> {
    return this.users.findOneBy({ id });
  }

  /** The id of the user WeChat knows by `openid`, or null. */
  async findIdByOpenid(openid: string): Promise<string | null> {
    return (await this.users.findOne({ where: { openid }, select: { id: true } }))?.id ?? null;
  }

  /** The openid of a user, for WeChat APIs that need it. */
  async findOpenid(id: string): Promise<string | null> {
    return (await this.users.findOne({ where: { id }, select: { id: true, openid: true } }))?.openid ?? null;
  }

  async updateProfile(id: string, changes: ProfileChanges): Promise<void> {
    await this.users.update({ id }, changes);
  }

  /** Clears the avatar of every user showing one of `uploadIds`, or only `userId`'s when given. */
  async clearAvatars(uploadIds: string[], userId?: string): Promise<void> {
    await this.users.update({ avatarUploadId: In(uploadIds), ...(userId ? { id: userId } : {}) }, { avatarUploadId: null });
  }

  async bindPhone(id: string, phone: string, countryCode: string): Promise<void> {
    await this.users.update({ id }, { phone, phoneCountryCode: countryCode });
  }
}
