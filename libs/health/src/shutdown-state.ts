import { Injectable } from '@nestjs/common';

/** Whether this replica has been asked to stop; readiness fails from that moment on. */
@Injectable()
export class ShutdownState {
  private draining = false;

  /** Marks the replica as draining. */
  beginDrain(): void {
    this.draining = true;
  }

  get isDraining(): boolean {
    return this.draining;
  }
}
