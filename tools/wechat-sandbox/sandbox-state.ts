import { AccessTokenStore } from './access-token.store';
import { SandboxStats } from './sandbox-stats';

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
  faults: SandboxFaults = { outage: false, systemBusy: false };
  private readonly resetListeners: (() => void)[] = [];

  constructor(options: { tokenTtlSeconds: number; now: () => number }) {
    this.tokens = new AccessTokenStore(options.tokenTtlSeconds * 1000, options.now);
  }

  reset(): void {
    this.usedLoginCodes.clear();
    this.usedPhoneCodes.clear();
    this.tokens.clear();
    this.stats.clear();
    this.faults = { outage: false, systemBusy: false };
    for (const listener of this.resetListeners) listener();
  }

  /** Runs `listener` on every reset, for state kept outside this class. */
  onReset(listener: () => void): void {
    this.resetListeners.push(listener);
  }
}
