import { randomBytes } from 'node:crypto';
import { SandboxState } from './sandbox-state';
import { SandboxReply, SandboxRequest, dataFormatError, parseJsonObject, queryParam, stringField, wechatError } from './wechat-api';

const LABEL_NORMAL = 100;
const LABEL_PORN = 20002;
const SCENES = new Set([1, 2, 3, 4]);
const MEDIA_TYPE_AUDIO = 1;
const MEDIA_TYPE_IMAGE = 2;
/** WeChat fetches at most 10 MB of an image. */
const MAX_MEDIA_BYTES = 10 * 1024 * 1024;
const FETCH_TIMEOUT_MS = 10_000;
const RISKY_MARKER = Buffer.from('RISKY', 'ascii');

/** Sends one event to the backend's push URL as WeChat does (the sandbox's push sender fills in ToUserName, CreateTime and MsgType). */
export type PushEvent = (event: Record<string, unknown>) => Promise<void>;

/**
 * `POST /wxa/media_check_async`: answers a `trace_id` at once, then fetches `media_url` and pushes the
 * `wxa_media_check` event: `risky` for bytes containing the ASCII text `RISKY`, `pass` otherwise.
 * The fetch and the push are counted in stats under `media_check_fetch` and `media_check_push`.
 */
export class MediaCheckHandler {
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly appId: string,
    private readonly state: Pick<SandboxState, 'tokens' | 'stats'>,
    private readonly push: PushEvent,
  ) {}

  mediaCheckAsync(request: SandboxRequest): SandboxReply {
    const denied = this.state.tokens.reject(queryParam(request.query, 'access_token'));
    if (denied) return denied;
    const body = parseJsonObject(request.body);
    if (!body) return dataFormatError();
    const mediaUrl = stringField(body, 'media_url');
    if (!mediaUrl || !/^https?:\/\//.test(mediaUrl)) return wechatError(40097, 'invalid args: media_url');
    if (body.media_type !== MEDIA_TYPE_IMAGE && body.media_type !== MEDIA_TYPE_AUDIO) return wechatError(40097, 'invalid args: media_type');
    if (body.version !== 2) return wechatError(40097, 'invalid args: version');
    const openid = stringField(body, 'openid');
    if (!openid) return wechatError(40003, 'invalid openid');
    if (!SCENES.has(body.scene as number)) return wechatError(40097, 'invalid args: scene');
    const traceId = newTraceId();
    const check = this.checkAndPush(mediaUrl, openid, traceId).finally(() => this.inFlight.delete(check));
    this.inFlight.add(check);
    return { body: { errcode: 0, errmsg: 'ok', trace_id: traceId }, result: 'ok' };
  }

  /** Resolves once every check started so far has pushed its result (or given up). */
  async settled(): Promise<void> {
    await Promise.all([...this.inFlight]);
  }

  private async checkAndPush(mediaUrl: string, openid: string, traceId: string): Promise<void> {
    const bytes = await fetchMedia(mediaUrl);
    this.state.stats.count('media_check_fetch', bytes ? 'ok' : 'failed');
    // WeChat reports a medium it could not fetch through the strategy's errcode, with no verdict.
    const risky = bytes?.includes(RISKY_MARKER) ?? false;
    const suggest = bytes ? (risky ? 'risky' : 'pass') : 'review';
    const label = risky ? LABEL_PORN : LABEL_NORMAL;
    try {
      await this.push({
        FromUserName: openid,
        Event: 'wxa_media_check',
        appid: this.appId,
        trace_id: traceId,
        version: 2,
        detail: [{ strategy: 'content_model', errcode: bytes ? 0 : -1008, suggest, label, prob: 90 }],
        errcode: 0,
        errmsg: 'ok',
        result: { suggest, label },
      });
      this.state.stats.count('media_check_push', suggest);
    } catch {
      this.state.stats.count('media_check_push', 'failed');
    }
  }
}

async function fetchMedia(url: string): Promise<Buffer | undefined> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS), redirect: 'follow' });
    if (!response.ok) return undefined;
    const bytes = Buffer.from(await response.arrayBuffer());
    return bytes.length <= MAX_MEDIA_BYTES ? bytes : undefined;
  } catch {
    return undefined;
  }
}

function newTraceId(): string {
  return `${randomBytes(4).toString('hex')}-${randomBytes(4).toString('hex')}-${randomBytes(4).toString('hex')}`;
}
