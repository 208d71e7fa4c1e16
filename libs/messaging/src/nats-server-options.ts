import { NatsOptions, Transport } from '@nestjs/microservices';
import { ServiceEnv } from '#libs/config';

/** Options for a service's message listener: one queue group per service, so each message reaches exactly one replica. */
export function natsServerOptions(config: ServiceEnv, service: string): NatsOptions {
  return {
    transport: Transport.NATS,
    options: {
      servers: config.NATS_URL.split(','),
      queue: service,
      name: `${service}-listener`,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 500,
      gracefulShutdown: true,
      // On close, in-flight handlers get as long as their callers wait for them (Nest's default is a fixed 10 s).
      gracePeriod: config.MESSAGE_TIMEOUT_MS,
    },
  };
}
