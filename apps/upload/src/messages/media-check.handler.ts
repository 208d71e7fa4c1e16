import { EventPattern, MessagePattern, Payload } from '@nestjs/microservices';
import { CheckImagesRequest, UPLOAD_MESSAGES, UploadSummary, WECHAT_PUSH_EVENTS } from '#libs/contracts';
import type { WechatPushMessage } from '#libs/contracts';
import { BusHandler } from '#libs/messaging';
import { MediaCheckService } from '../services/media-check.service';

/** Images sent to WeChat's media check when others are to see them, and the results WeChat pushes back. */
@BusHandler()
export class MediaCheckHandler {
  constructor(private readonly checks: MediaCheckService) {}

  @MessagePattern(UPLOAD_MESSAGES.checkImages)
  checkImages(@Payload() request: CheckImagesRequest): Promise<UploadSummary[]> {
    return this.checks.requestChecks(request);
  }

  /** `wxa_media_check`: `trace_id` and `result.suggest` (`pass`, `review` or `risky`). */
  @EventPattern(WECHAT_PUSH_EVENTS.mediaCheck)
  async mediaChecked(@Payload() message: Partial<WechatPushMessage>): Promise<void> {
    const traceId = message.trace_id;
    const suggest = (message.result as { suggest?: unknown } | undefined)?.suggest;
    if (typeof traceId !== 'string' || typeof suggest !== 'string') return;
    await this.checks.recordResult(traceId, suggest);
  }
}
