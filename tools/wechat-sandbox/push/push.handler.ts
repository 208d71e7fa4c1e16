import { SandboxReply, SandboxRequest, parseJsonObject, queryParam } from '../wechat-api';
import { PushAttempt, PushSender } from './push-sender';

const MAX_TIMES = 10;

/**
 * `POST /sandbox/push?times=&mode=` with an event's fields as the JSON body (`Event` required): pushes it to the backend
 * as WeChat would (envelope fields filled in when absent). `times` > 1 delivers the same message again after each
 * answer, as WeChat's retries look to the backend; `mode` overrides the configured safe/plain mode for this push.
 */
export class PushHandler {
  constructor(private readonly sender: PushSender) {}

  async push(request: SandboxRequest): Promise<SandboxReply> {
    const fields = parseJsonObject(request.body);
    const times = Number(queryParam(request.query, 'times') ?? '1');
    const mode = queryParam(request.query, 'mode');
    if (!fields || typeof fields.Event !== 'string' || fields.Event === '') {
      return invalid('expected a JSON object with a non-empty "Event"');
    }
    if (!Number.isInteger(times) || times < 1 || times > MAX_TIMES) return invalid(`times must be an integer from 1 to ${MAX_TIMES}`);
    if (mode !== undefined && mode !== 'safe' && mode !== 'plain') return invalid('mode must be safe or plain');
    if (!this.sender.enabled) return { status: 409, body: { errcode: -1, errmsg: 'no push URL is configured (SANDBOX_PUSH_URL)' } };

    const message = this.sender.message({ ...fields, Event: fields.Event });
    const attempts: PushAttempt[] = [await this.sender.send(message, mode)];
    while (attempts.length < times) attempts.push(await this.sender.sendOnce(message, mode));
    return { body: { delivered: attempts[0].accepted, message, attempts } };
  }
}

function invalid(errmsg: string): SandboxReply {
  return { status: 400, body: { errcode: -1, errmsg } };
}
