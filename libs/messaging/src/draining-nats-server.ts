import { NatsOptions, ServerNats } from '@nestjs/microservices';
import type { Msg, NatsConnection, Subscription } from '@nats-io/transport-node';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Nest's NATS listener with a shutdown that loses no message. Nest's own graceful close unsubscribes, which drops
 * every message NATS had already routed to this replica but that had not been read yet (its caller then waits out
 * its timeout), and then sleeps a fixed grace period. This one drains instead: it tells NATS to stop routing to
 * this replica and handles everything routed before that, waits until the handlers in flight have replied (at most
 * `gracePeriod` ms in all), and only then closes the connection.
 */
export class DrainingNatsServer extends ServerNats {
  private readonly ownSubscriptions: Subscription[] = [];
  /** Messages received and not yet answered (a reply published, or the event handled). */
  private readonly inFlight = new Set<Msg>();
  private readonly replying = new WeakSet<Msg>();
  private idle?: () => void;
  private readonly gracePeriodMs: number;
  private readonly defaultQueue?: string;

  constructor(options: Required<NatsOptions>['options']) {
    super({ ...options, gracefulShutdown: false });
    this.gracePeriodMs = options.gracePeriod ?? 10000;
    this.defaultQueue = options.queue;
  }

  /** Subscribes every pattern in its queue group (Nest's bindEvents, keeping the subscriptions for close). */
  override bindEvents(client: NatsConnection): void {
    for (const [channel, handler] of this.messageHandlers) {
      const queue = (handler.extras?.queue as string | undefined) ?? this.defaultQueue;
      this.ownSubscriptions.push(
        client.subscribe(channel, { queue, callback: this.getMessageHandler(channel).bind(this) as (error: Error | null, message: Msg) => void }),
      );
    }
  }

  override getMessageHandler(channel: string): (error: Error | null, message: Msg) => Promise<void> {
    const handle = super.getMessageHandler(channel) as (error: Error | null, message: Msg) => Promise<void>;
    return async (error, message) => {
      if (error || !message) return handle(error, message);
      this.inFlight.add(message);
      try {
        await handle(error, message);
      } finally {
        // A request is answered later, when its reply is published (getPublisher); an event is done here.
        if (!this.replying.has(message)) this.settle(message);
      }
    };
  }

  override getPublisher(
    natsMsg: Msg,
    id: string,
    ctx: Parameters<ServerNats['getPublisher']>[2],
  ): (response: { isDisposed?: boolean; status?: string }) => unknown {
    const publish = super.getPublisher(natsMsg, id, ctx);
    this.replying.add(natsMsg);
    return (response) => {
      try {
        return publish(response) as unknown;
      } finally {
        // The last packet of a reply is marked disposed; "no handler for this pattern" is a single error packet.
        if (response.isDisposed || response.status === 'error') this.settle(natsMsg);
      }
    };
  }

  override async close(): Promise<void> {
    try {
      this.unwrap<NatsConnection>();
    } catch {
      return; // never connected, or already closed
    }
    const deadline = Date.now() + this.gracePeriodMs;
    const remaining = () => Math.max(deadline - Date.now(), 0);
    // drain() = UNSUB, then a round trip: whatever NATS routed here before the UNSUB has arrived and been handed over.
    const subscriptions = this.ownSubscriptions.splice(0);
    await Promise.race([Promise.allSettled(subscriptions.map((subscription) => subscription.drain())), sleep(remaining())]);
    if (this.inFlight.size > 0) {
      await Promise.race([new Promise<void>((resolve) => (this.idle = resolve)), sleep(remaining())]);
    }
    if (this.inFlight.size > 0) this.logger.warn(`closing with ${this.inFlight.size} bus message(s) still unanswered after ${this.gracePeriodMs} ms`);
    // The replies just published go out with the flush that closing the connection does.
    await super.close();
  }

  private settle(message: Msg): void {
    if (this.inFlight.delete(message) && this.inFlight.size === 0) this.idle?.();
  }
}
