import { randomBytes } from 'node:crypto';
import { SandboxState } from './sandbox-state';
import { SandboxReply, SandboxRequest, dataFormatError, parseJsonObject, queryParam, stringField, wechatError } from './wechat-api';

/** Words flagged when `secCheckWords` is not configured. */
export const DEFAULT_SEC_CHECK_WORDS: readonly string[] = ['forbidden-word', 'risky-word'];

const LABEL_NORMAL = 100;
const LABEL_POLITICS = 20001;
const SCENES = new Set([1, 2, 3, 4]);

/** `POST /wxa/msg_sec_check`: flags text that contains one of the configured words (case-insensitive). */
export class MsgSecCheckHandler {
  private readonly words: string[];

  constructor(
    words: readonly string[],
    private readonly state: SandboxState,
  ) {
    this.words = words.map((word) => word.toLowerCase()).filter((word) => word !== '');
  }

  msgSecCheck(request: SandboxRequest): SandboxReply {
    const denied = this.state.tokens.reject(queryParam(request.query, 'access_token'));
    if (denied) return denied;
    const body = parseJsonObject(request.body);
    if (!body || typeof body.content !== 'string') return dataFormatError();
    const keyword = this.findWord([body.content, body.title, body.nickname, body.signature]);
    // Version 1 (deprecated, still served by WeChat) only answers through errcode.
    if (body.version !== 2) {
      return keyword ? wechatError(87014, 'risky content') : { body: { errcode: 0, errmsg: 'ok' }, result: 'pass' };
    }
    if (!stringField(body, 'openid')) return wechatError(40003, 'invalid openid');
    if (!SCENES.has(body.scene as number)) return wechatError(40097, 'invalid args');
    return keyword === undefined ? passReply() : riskyReply(keyword);
  }

  private findWord(texts: unknown[]): string | undefined {
    const text = texts
      .filter((part) => typeof part === 'string')
      .join('\n')
      .toLowerCase();
    return this.words.find((word) => text.includes(word));
  }
}

function passReply(): SandboxReply {
  return {
    body: {
      errcode: 0,
      errmsg: 'ok',
      result: { suggest: 'pass', label: LABEL_NORMAL },
      detail: [{ strategy: 'content_model', errcode: 0, suggest: 'pass', label: LABEL_NORMAL, prob: 90 }],
      trace_id: traceId(),
    },
    result: 'pass',
  };
}

function riskyReply(keyword: string): SandboxReply {
  return {
    body: {
      errcode: 0,
      errmsg: 'ok',
      result: { suggest: 'risky', label: LABEL_POLITICS },
      detail: [
        { strategy: 'content_model', errcode: 0, suggest: 'risky', label: LABEL_POLITICS, prob: 90 },
        { strategy: 'keyword', errcode: 0, suggest: 'risky', label: LABEL_POLITICS, level: 90, keyword },
      ],
      trace_id: traceId(),
    },
    result: 'risky',
  };
}

function traceId(): string {
  return [4, 4, 4].map((size) => randomBytes(size).toString('hex')).join('-');
}
