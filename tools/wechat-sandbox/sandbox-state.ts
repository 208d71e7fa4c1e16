import { AccessTokenStore } from './access-token.store';
import { SandboxStats } from './sandbox-stats';
import { WechatPushSandboxOptions } from './push/push-config';
import { PushSender } from './push/push-sender';

/** Faults a test can switch on through `POST /sandbox/faults`. */
export interface SandboxFaults {
  /** `true`: every WeChat API answers HTTP 503; `'timeout'`: they never answer. */
  outage: boolean | 'timeout';
  /** Every WeChat API answers errcode -1 "system error". */
  systemBusy: boolean;
}

/** Everything the sandbox remembers between requests; `reset()` forgets it all. */
export class SandboxState {
  readonly usedLoginCodes = new Set<string>();
  readonly usedPhoneCodes = new Set<string>();
  readonly tokens: AccessTokenStore;
  readonly stats = new SandboxStats();
  /** Pushes events to the backend as WeChat's server push: `state.push.deliver({ FromUserName, Event, ... })`. */
  readonly push: PushSender;
  faults: SandboxFaults = { outage: false, systemBusy: false };
  private readonly resetListeners: (() => void)[] = [];

  /** Without `push` (or its `settings.url`), nothing is pushed. */
  constructor(options: { tokenTtlSeconds: number; now: () => number; push?: { appId: string; settings?: WechatPushSandboxOptions } }) {
    this.tokens = new AccessTokenStore(options.tokenTtlSeconds * 1000, options.now);
    this.push = new PushSender(options.push?.appId ?? '', options.push?.settings, this.stats, options.now);
  }

  reset(): void {
    this.usedLoginCodes.clear();
    this.usedPhoneCodes.clear();
    this.tokens.clear();
    this.stats.clear();
    this.faults = { outage: false, systemBusy: false };
    this.push.stop();
    for (const listener of this.resetListeners) listener();
  }

  /** Runs `listener` on every reset, for state kept outside this class. */
  onReset(listener: () => void): void {
    this.resetListeners.push(listener);
  }
}
