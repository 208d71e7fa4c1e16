import { Injectable, Logger } from '@nestjs/common';
import { AppError } from '#libs/errors';
import { WechatApiError } from './wechat-errors';
import { WechatServerApi } from './wechat-server-api';

/** msgSecCheck v2 scenes: 1 profile, 2 comment, 3 forum, 4 social log. */
export type ContentScene = 1 | 2 | 3 | 4;

interface MsgSecCheckReply {
  result?: { suggest?: 'pass' | 'review' | 'risky'; label?: number };
}

/** WeChat's content security for user text: anything but a clear `pass` is refused, and an outage is not a pass. */
@Injectable()
export class WechatContentSecurity {
  private readonly logger = new Logger(WechatContentSecurity.name);

  constructor(private readonly api: WechatServerApi) {}

  /** Resolves when WeChat passes `content` written by `openid`; 422 CONTENT_REJECTED otherwise, 503 WECHAT_UNAVAILABLE when it cannot tell. */
  async assertTextSafe(openid: string, content: string, scene: ContentScene, what = 'That text'): Promise<void> {
    let reply: MsgSecCheckReply;
    try {
      reply = await this.api.post<MsgSecCheckReply>('msg_sec_check', '/wxa/msg_sec_check', { content, version: 2, scene, openid });
    } catch (error) {
      if (!(error instanceof WechatApiError)) throw error;
      this.logger.error({ msg: 'WeChat refused a content check', errcode: error.errcode, errmsg: error.errmsg });
      throw new AppError('WECHAT_UNAVAILABLE', 'WeChat could not check the content, try again later');
    }
    if (reply.result?.suggest !== 'pass') {
      throw new AppError('CONTENT_REJECTED', `${what} is not allowed`);
    }
  }
}
