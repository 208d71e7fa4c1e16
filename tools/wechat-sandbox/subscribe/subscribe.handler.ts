import { PushEvent } from '../media-check.handler';
import { SandboxState } from '../sandbox-state';
import { SandboxReply, SandboxRequest, dataFormatError, parseJsonObject, queryParam, stringField, wechatError } from '../wechat-api';
import { SubscribeTemplates, dataProblem } from './subscribe-templates';

/** A subscribe message the sandbox took, as `GET /sandbox/subscribe/sent` lists it. */
export interface SentSubscribeMessage {
  msgid: number;
  touser: string;
  templateId: string;
  page: string | null;
  miniprogramState: string;
  lang: string;
  data: Record<string, { value: string }>;
  sentAt: string;
}

/** WeChat's openids are URL-safe base64-like strings; the sandbox's logins hand out `o<name>`. */
const OPENID = /^[A-Za-z0-9_-]{1,64}$/;
const MINIPROGRAM_STATES = new Set(['developer', 'trial', 'formal']);
const LANGS = new Set(['zh_CN', 'en_US', 'zh_HK', 'zh_TW']);

/**
 * Subscribe messages: `POST /cgi-bin/message/subscribe/send` takes one of the user's unused acceptances of the
 * template or answers 43101; `POST /sandbox/subscribe/accept` grants one as the user's tap on "accept" does, and
 * pushes the `subscribe_msg_popup_event` WeChat sends for it; `GET /sandbox/subscribe/sent` lists what was sent.
 */
export class SubscribeHandler {
  /** Unused acceptances by openid, then template id. */
  private acceptances = new Map<string, Map<string, number>>();
  private sent: SentSubscribeMessage[] = [];
  private nextMsgId = 1;

  constructor(
    private readonly templates: SubscribeTemplates,
    private readonly appId: string,
    private readonly state: Pick<SandboxState, 'tokens' | 'onReset'>,
    private readonly pushEvent: PushEvent,
    private readonly now: () => number,
  ) {
    state.onReset(() => {
      this.acceptances = new Map();
      this.sent = [];
    });
  }

  send(request: SandboxRequest): SandboxReply {
    const denied = this.state.tokens.reject(queryParam(request.query, 'access_token'));
    if (denied) return denied;
    const body = parseJsonObject(request.body);
    if (!body) return dataFormatError();
    const touser = stringField(body, 'touser');
    if (!touser || !OPENID.test(touser)) return wechatError(40003, 'invalid openid');
    const templateId = stringField(body, 'template_id');
    const keys = templateId === undefined ? undefined : this.templates[templateId];
    if (!templateId || !keys) return wechatError(40037, 'invalid template_id');
    const problem = dataProblem(keys, body.data);
    if (problem) return wechatError(47003, `argument invalid! ${problem}`);
    const page = body.page === undefined ? null : body.page;
    if (page !== null && (typeof page !== 'string' || page.length > 1024)) return wechatError(47003, 'argument invalid! page');
    const miniprogramState = body.miniprogram_state ?? 'formal';
    if (typeof miniprogramState !== 'string' || !MINIPROGRAM_STATES.has(miniprogramState)) return wechatError(47003, 'argument invalid! miniprogram_state');
    const lang = body.lang ?? 'zh_CN';
    if (typeof lang !== 'string' || !LANGS.has(lang)) return wechatError(47003, 'argument invalid! lang');
    if (!this.takeAcceptance(touser, templateId)) return wechatError(43101, 'user refuse to accept the msg');

    const message: SentSubscribeMessage = {
      msgid: this.nextMsgId++,
      touser,
      templateId,
      page,
      miniprogramState,
      lang,
      data: body.data as SentSubscribeMessage['data'],
      sentAt: new Date(this.now()).toISOString(),
    };
    this.sent.push(message);
    return { body: { errcode: 0, errmsg: 'ok', msgid: message.msgid }, result: 'ok' };
  }

  /** `{openid, templateId}`: one more unused acceptance, announced by a popup event pushed to the backend. */
  async accept(request: SandboxRequest): Promise<SandboxReply> {
    const body = parseJsonObject(request.body);
    const openid = body && stringField(body, 'openid');
    const templateId = body && stringField(body, 'templateId');
    if (!openid || !OPENID.test(openid) || !templateId) {
      return { status: 400, body: { errcode: -1, errmsg: 'expected {"openid": string, "templateId": string}' }, result: 'invalid' };
    }
    if (!this.templates[templateId]) return { status: 400, body: { errcode: 40037, errmsg: `unknown template ${templateId}` }, result: 'invalid' };
    const ofUser = this.acceptances.get(openid) ?? new Map<string, number>();
    ofUser.set(templateId, (ofUser.get(templateId) ?? 0) + 1);
    this.acceptances.set(openid, ofUser);
    try {
      await this.pushEvent(this.popupEvent(openid, templateId));
    } catch (error) {
      return { body: { accepted: true, unused: ofUser.get(templateId), pushed: false, pushError: (error as Error).message }, result: 'push_failed' };
    }
    return { body: { accepted: true, unused: ofUser.get(templateId), pushed: true }, result: 'ok' };
  }

  /** `?openid=`: the messages sent to that user, oldest first (all of them without `openid`). */
  sentMessages(request: SandboxRequest): SandboxReply {
    const openid = queryParam(request.query, 'openid');
    return { body: { messages: this.sent.filter((message) => openid === undefined || message.touser === openid) }, result: 'ok' };
  }

  private takeAcceptance(openid: string, templateId: string): boolean {
    const ofUser = this.acceptances.get(openid);
    const unused = ofUser?.get(templateId) ?? 0;
    if (!ofUser || unused === 0) return false;
    ofUser.set(templateId, unused - 1);
    return true;
  }

  /** The event as WeChat pushes it in JSON format (`List` holds one entry per template of the popup). */
  private popupEvent(openid: string, templateId: string): Record<string, unknown> {
    return {
      ToUserName: `gh_${this.appId}`,
      FromUserName: openid,
      CreateTime: Math.floor(this.now() / 1000),
      MsgType: 'event',
      Event: 'subscribe_msg_popup_event',
      List: [{ TemplateId: templateId, SubscribeStatusString: 'accept', PopupScene: '0' }],
    };
  }
}
