import { AppCredentials, rejectCredentials } from './app-credentials';
import { SandboxState } from './sandbox-state';
import { SandboxReply, SandboxRequest, dataFormatError, parseJsonObject, queryParam, stringField, wechatError } from './wechat-api';

/** `POST /cgi-bin/stable_token` and `GET /cgi-bin/token`: the app's access tokens. */
export class TokenHandler {
  constructor(
    private readonly app: AppCredentials,
    private readonly state: SandboxState,
  ) {}

  stableToken(request: SandboxRequest): SandboxReply {
    const body = parseJsonObject(request.body);
    if (!body) return dataFormatError();
    const rejected = this.rejectGrant(body.grant_type, stringField(body, 'appid'), stringField(body, 'secret'));
    if (rejected) return rejected;
    const tokens = this.state.tokens;
    if (body.force_refresh === true) return { body: tokens.issueStable(), result: 'refreshed' };
    const valid = tokens.validStable();
    return valid ? { body: valid, result: 'cached' } : { body: tokens.issueStable(), result: 'issued' };
  }

  token(request: SandboxRequest): SandboxReply {
    const { query } = request;
    const rejected = this.rejectGrant(query.get('grant_type'), queryParam(query, 'appid'), queryParam(query, 'secret'));
    if (rejected) return rejected;
    return { body: this.state.tokens.issuePlain(), result: 'issued' };
  }

  private rejectGrant(grantType: unknown, appid?: string, secret?: string): SandboxReply | undefined {
    if (grantType !== 'client_credential') return wechatError(40002, 'invalid grant_type');
    return rejectCredentials(this.app, appid, secret);
  }
}
