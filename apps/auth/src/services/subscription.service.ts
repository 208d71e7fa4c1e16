import { Injectable, Logger } from '@nestjs/common';
import { AppError } from '#libs/errors';
import { SubscribeTemplateCatalog } from '../config/subscribe-template-catalog';
import { SubscriptionsDto } from '../dtos/subscriptions.dto';
import { AcceptanceReporter, SubscribeAcceptanceRepository } from '../repositories/subscribe-acceptance.repository';
import { UserRepository } from '../repositories/user.repository';

/**
 * A route report and a popup event of the same template this close in time are one tap of "accept": WeChat pushes
 * the event within seconds of the tap, and the mini-program reports it as soon as wx.requestSubscribeMessage returns.
 */
const PAIR_WINDOW_MS = 10 * 60 * 1000;

/** What the user chose for one template in a popup (wx.requestSubscribeMessage; `ban`/`filter`: WeChat hid it). */
export type SubscribeChoice = 'accept' | 'reject' | 'ban' | 'filter';

/** One template of a popup or settings event as WeChat pushes it. */
export interface SubscribeEventEntry {
  TemplateId?: unknown;
  SubscribeStatusString?: unknown;
}

/**
 * Users' acceptances of subscribe-message templates: reported by the mini-program and by WeChat's popup event (the
 * two reports of one tap count once, see docs/decisions/subscribe-messages.md), cleared when the user turns a
 * template off in WeChat's settings.
 */
@Injectable()
export class SubscriptionService {
  private readonly logger = new Logger(SubscriptionService.name);

  constructor(
    private readonly templates: SubscribeTemplateCatalog,
    private readonly acceptances: SubscribeAcceptanceRepository,
    private readonly users: UserRepository,
  ) {}

  /** Records what wx.requestSubscribeMessage returned; a template id that is not configured is 400 and records nothing. */
  async recordResults(userId: string, results: Record<string, SubscribeChoice>): Promise<SubscriptionsDto> {
    // wx.requestSubscribeMessage's result also carries its errMsg, which a client may pass on as is.
    const choices = Object.entries(results).filter(([templateId]) => templateId !== 'errMsg');
    const unknown = choices.map(([templateId]) => templateId).filter((id) => !this.templates.has(id));
    if (unknown.length) {
      throw new AppError(
        'VALIDATION_FAILED',
        'Request validation failed',
        unknown.map((id) => ({ field: `results.${id}`, message: 'is not a template this mini-program uses' })),
      );
    }
    for (const [templateId, choice] of choices) {
      if (choice === 'accept' && !(await this.record(userId, templateId, 'route'))) throw new AppError('USER_NOT_FOUND', 'User not found');
    }
    return this.unused(userId);
  }

  /** The caller's unused acceptances of each configured template. */
  async unused(userId: string): Promise<SubscriptionsDto> {
    const counts = await this.acceptances.countUnused(userId);
    return { unused: Object.fromEntries(this.templates.templateIds().map((id) => [id, counts[id] ?? 0])) };
  }

  /** subscribe_msg_popup_event: each `accept` of a configured template is recorded (paired with the route's report). */
  async recordPopup(openid: string, entries: SubscribeEventEntry[]): Promise<void> {
    const userId = await this.users.findIdByOpenid(openid);
    if (!userId) return this.logger.warn({ msg: 'subscribe popup event of an unknown openid; ignored' });
    for (const entry of entries) {
      const templateId = String(entry.TemplateId);
      if (entry.SubscribeStatusString === 'accept' && this.templates.has(templateId)) await this.record(userId, templateId, 'popup');
    }
  }

  /** subscribe_msg_change_event: a template the user turned off has no unused acceptances any more. */
  async recordChange(openid: string, entries: SubscribeEventEntry[]): Promise<void> {
    const userId = await this.users.findIdByOpenid(openid);
    if (!userId) return;
    for (const entry of entries) {
      if (entry.SubscribeStatusString !== 'reject' || typeof entry.TemplateId !== 'string') continue;
      const revoked = await this.acceptances.revokeUnused(userId, entry.TemplateId, new Date());
      this.logger.log({ msg: 'user turned a subscribe template off', userId, templateId: entry.TemplateId, revoked });
    }
  }

  private record(userId: string, templateId: string, by: AcceptanceReporter): Promise<boolean> {
    return this.acceptances.record(userId, templateId, by, new Date(), PAIR_WINDOW_MS);
  }
}
