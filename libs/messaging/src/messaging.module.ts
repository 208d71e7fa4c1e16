import { DynamicModule, Global, Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { ClientProxy, ClientProxyFactory, Transport } from '@nestjs/microservices';
import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/transport-node';
import { APP_CONFIG, ServiceEnv } from '#libs/config';
import { BUS_CLIENT, NATS_CONNECTION } from './bus-tokens';
import { MessageBus } from './message-bus';

@Injectable()
class BusConnectionsCloser implements OnApplicationShutdown {
  constructor(
    @Inject(NATS_CONNECTION) private readonly connection: NatsConnection,
    @Inject(BUS_CLIENT) private readonly client: ClientProxy,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled([this.client.close(), this.connection.drain().catch(() => this.connection.close())]);
  }
}

/** Provides MessageBus (request-response over NATS) and the raw NATS connection to a service. */
@Global()
@Module({})
export class MessagingModule {
  /** `service` names the connections as NATS monitoring shows them. */
  static forService(service: string): DynamicModule {
    return {
      module: MessagingModule,
      providers: [
        {
          provide: BUS_CLIENT,
          inject: [APP_CONFIG],
          useFactory: (config: ServiceEnv) =>
            ClientProxyFactory.create({
              transport: Transport.NATS,
              options: { servers: config.NATS_URL.split(','), name: `${service}-client`, maxReconnectAttempts: -1, reconnectTimeWait: 500 },
            }),
        },
        {
          provide: NATS_CONNECTION,
          inject: [APP_CONFIG],
          useFactory: (config: ServiceEnv) =>
            connect({
              servers: config.NATS_URL.split(','),
              name: `${service}-control`,
              maxReconnectAttempts: -1,
              reconnectTimeWait: 500,
              waitOnFirstConnect: true,
            }),
        },
        BusConnectionsCloser,
        MessageBus,
      ],
      exports: [BUS_CLIENT, NATS_CONNECTION, MessageBus],
    };
  }
}
