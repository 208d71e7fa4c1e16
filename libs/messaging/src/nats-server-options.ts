import { CustomStrategy, NatsOptions } from '@nestjs/microservices';
import { ServiceEnv } from '#libs/config';
import { DrainingNatsServer } from './draining-nats-server';

/** Connection and queue settings of a service's message listener: one queue group per service, so each message reaches exactly one replica. */
export function natsListenerOptions(config: ServiceEnv, service: string): Required<NatsOptions>['options'] {
  return {
    servers: config.NATS_URL.split(','),
    queue: service,
    name: `${service}-listener`,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 500,
    // On close, in-flight handlers get as long as their callers wait for them (Nest's default is a fixed 10 s).
    gracePeriod: config.MESSAGE_TIMEOUT_MS,
  };
}

/**
 * A service's message listener (for connectMicroservice): on close it drains its queue subscriptions, so NATS routes
 * new messages to the other replicas while the ones already routed here are still answered (DrainingNatsServer).
 */
export function natsServerOptions(config: ServiceEnv, service: string): CustomStrategy {
  return { strategy: new DrainingNatsServer(natsListenerOptions(config, service)) };
}
