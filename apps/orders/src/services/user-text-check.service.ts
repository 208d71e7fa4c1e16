import { Injectable } from '@nestjs/common';
import { WechatContentSecurity } from '#libs/wechat';
import { PayerClient } from '../clients/payer.client';

/** msgSecCheck's "comment" scene: what a user writes on an order, a booking or an after-sale request, for staff to read. */
const COMMENT_SCENE = 2;

/** A text the user wrote, and how a refusal names it. */
export interface UserWrittenText {
  text: string | undefined;
  what: string;
}

/**
 * WeChat's content check of the texts users write into orders, bookings and after-sale requests, run before anything
 * is written: a refused text is 422 CONTENT_REJECTED, and WeChat not answering is 503 WECHAT_UNAVAILABLE, never a pass.
 */
@Injectable()
export class UserTextCheckService {
  constructor(
    private readonly payer: PayerClient,
    private readonly content: WechatContentSecurity,
  ) {}

  async assertSafe(userId: string, texts: UserWrittenText[]): Promise<void> {
    const written = texts.filter((entry): entry is { text: string; what: string } => entry.text !== undefined && entry.text.trim() !== '');
    if (!written.length) return;
    const openid = await this.payer.openidOf(userId);
    await Promise.all(written.map((entry) => this.content.assertTextSafe(openid, entry.text, COMMENT_SCENE, entry.what)));
  }
}
