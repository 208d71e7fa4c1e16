import { Inject, Injectable, Logger } from '@nestjs/common';
import { UnrecoverableError } from 'bullmq';
import { APP_CONFIG } from '#libs/config';
import { WechatApiError, WechatServerApi } from '#libs/wechat';
import { AuthEnv } from '../config/auth-env';
import { SubscribeTemplateCatalog } from '../config/subscribe-template-catalog';
import { SubscribeMessageJob } from '../jobs/subscribe-message.scheduler';
import { SubscribeMessagesMetrics } from '../metrics/subscribe-messages.metrics';
import { SubscribeAcceptanceRepository } from '../repositories/subscribe-acceptance.repository';
import { UserRepository } from '../repositories/user.repository';
import { messageData, messagePage } from './subscribe-message-content';

/** WeChat has no acceptance of this template for the user (or the user turned it off). */
const NO_ACCEPTANCE = 43101;
/** errcodes worth trying again later: system busy, and the API's rate limit. */
const TRANSIENT_ERRCODES = new Set([-1, 45009, 45011]);

/** One try of one job: which attempt it is and how many there are. */
export interface SendAttempt {
  key: string;
  job: SubscribeMessageJob;
  attempt: number;
  attempts: number;
}

/**
 * Sends one subscribe message: takes one of the user's unused acceptances of the template (none: skipped), then
 * calls subscribeMessage.send. 43101 and other permanent errcodes end the job (UnrecoverableError, no retry);
 * transient errors and outages are thrown to be retried with backoff. The acceptance taken stays with the job's key
 * across retries; it is given back when WeChat never took the message (every end but success and 43101).
 */
@Injectable()
export class SubscribeMessageSender {
  private readonly logger = new Logger(SubscribeMessageSender.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AuthEnv,
    private readonly templates: SubscribeTemplateCatalog,
    private readonly acceptances: SubscribeAcceptanceRepository,
    private readonly users: UserRepository,
    private readonly wechat: WechatServerApi,
    private readonly metrics: SubscribeMessagesMetrics,
  ) {}

  async send({ key, job, attempt, attempts }: SendAttempt): Promise<void> {
    const template = this.templates.of(job.kind);
    if (!template) return;
    const openid = await this.users.findOpenid(job.userId);
    const acceptance = openid ? await this.acceptances.take(job.userId, template.templateId, key, new Date()) : null;
    if (!openid || !acceptance) {
      this.metrics.count(job.kind, 'skipped');
      return;
    }
    if (acceptance.sentAt) return;
    try {
      await this.wechat.post('subscribeMessage.send', '/cgi-bin/message/subscribe/send', {
        touser: openid,
        template_id: template.templateId,
        page: messagePage(template, job.values),
        data: messageData(template, job.values),
        miniprogram_state: this.config.WECHAT_SUBSCRIBE_MINIPROGRAM_STATE,
        lang: 'zh_CN',
      });
    } catch (error) {
      throw await this.failed(key, job, acceptance.id, error, attempt >= attempts);
    }
    await this.acceptances.markSent(acceptance.id, new Date());
    this.metrics.count(job.kind, 'sent');
  }

  /** Counts a failed try and answers what to throw: an UnrecoverableError ends the job, anything else is retried. */
  private async failed(key: string, job: SubscribeMessageJob, acceptanceId: string, error: unknown, lastAttempt: boolean): Promise<Error> {
    const errcode = error instanceof WechatApiError ? error.errcode : undefined;
    if (errcode === NO_ACCEPTANCE) {
      this.metrics.count(job.kind, 'refused');
      this.logger.log({ msg: 'WeChat has no acceptance for this message (43101); not retried', key });
      return new UnrecoverableError(`subscribeMessage.send answered ${NO_ACCEPTANCE}`);
    }
    const permanent = errcode !== undefined && !TRANSIENT_ERRCODES.has(errcode);
    if (permanent || lastAttempt) {
      await this.acceptances.giveBack(acceptanceId);
      this.metrics.count(job.kind, permanent ? 'rejected' : 'failed');
      this.logger.warn({ msg: 'subscribe message not sent; its acceptance is unused again', key, errcode, error: (error as Error).message });
      return new UnrecoverableError((error as Error).message);
    }
    this.metrics.count(job.kind, 'retried');
    return error instanceof Error ? error : new Error(String(error));
  }
}
