import { SandboxFaults, SandboxState } from './sandbox-state';
import { SandboxReply, SandboxRequest, parseJsonObject } from './wechat-api';

/** The sandbox's own endpoints under `/sandbox/`: health, stats, reset and fault injection. */
export class SandboxControlHandler {
  constructor(private readonly state: SandboxState) {}

  health(): SandboxReply {
    return { body: { status: 'ok' } };
  }

  stats(): SandboxReply {
    return { body: this.state.stats.snapshot() };
  }

  reset(): SandboxReply {
    this.state.reset();
    return { body: { reset: true } };
  }

  faults(): SandboxReply {
    return { body: this.state.faults };
  }

  /** Merges `{outage?, systemBusy?}` into the current faults and answers the result. */
  setFaults(request: SandboxRequest): SandboxReply {
    const body = parseJsonObject(request.body);
    const { outage, systemBusy } = body ?? {};
    const outageValid = outage === undefined || typeof outage === 'boolean' || outage === 'timeout';
    const busyValid = systemBusy === undefined || typeof systemBusy === 'boolean';
    if (!body || !outageValid || !busyValid) {
      return {
        status: 400,
        body: { errcode: -1, errmsg: 'expected {"outage"?: true | false | "timeout", "systemBusy"?: true | false}' },
      };
    }
    const faults: SandboxFaults = { ...this.state.faults };
    if (outage !== undefined) faults.outage = outage;
    if (systemBusy !== undefined) faults.systemBusy = systemBusy;
    this.state.faults = faults;
    return { body: faults };
  }
}
