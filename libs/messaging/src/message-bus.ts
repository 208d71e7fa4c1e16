import { Inject, Injectable, Logger } from '@nestjs/common';
import { ClientProxy, NatsRecordBuilder } from '@nestjs/microservices';
import { headers as natsHeaders } from '@nats-io/transport-node';
import { firstValueFrom, timeout, TimeoutError } from 'rxjs';
import { APP_CONFIG, ServiceEnv } from '#libs/config';
import { AppError, isRemoteErrorPayload } from '#libs/errors';
import { currentRequestContext, REQUEST_ID_HEADER } from '#libs/logging';
import { BUS_CLIENT } from './bus-tokens';

/** Sends request-response messages (and fire-and-forget events) to other services: bounded by a timeout, carrying the request id, errors kept typed. */
@Injectable()
export class MessageBus {
  private readonly logger = new Logger(MessageBus.name);

  constructor(
    @Inject(BUS_CLIENT) private readonly client: ClientProxy,
    @Inject(APP_CONFIG) private readonly config: ServiceEnv,
  ) {}

  /** Asks the one replica that picks `pattern` from its queue group; throws AppError on refusal, timeout or outage. */
  async request<TResult, TPayload = unknown>(pattern: string, payload: TPayload, timeoutMs = this.config.MESSAGE_TIMEOUT_MS): Promise<TResult> {
    const record = new NatsRecordBuilder(payload).setHeaders(this.headers()).build();
    try {
      return await firstValueFrom(this.client.send<TResult>(pattern, record).pipe(timeout(timeoutMs)));
    } catch (error) {
      throw this.translate(pattern, error);
    }
  }

  /**
   * Publishes an event to every service subscribed to `pattern` (one replica of each, by queue group), waiting
   * at most `timeoutMs` for NATS to take it. Nobody confirms receipt: subscribers must tolerate a lost event.
   */
  async publish<TPayload = unknown>(pattern: string, payload: TPayload, timeoutMs = this.config.MESSAGE_TIMEOUT_MS): Promise<void> {
    const record = new NatsRecordBuilder(payload).setHeaders(this.headers()).build();
    try {
      await firstValueFrom(this.client.emit(pattern, record).pipe(timeout(timeoutMs)), { defaultValue: undefined });
    } catch (error) {
      throw this.translate(pattern, error);
    }
  }

  private headers() {
    const headers = natsHeaders();
    headers.set(REQUEST_ID_HEADER, currentRequestContext()?.requestId ?? 'none');
    return headers;
  }

  private translate(pattern: string, error: unknown): AppError {
    if (isRemoteErrorPayload(error)) return new AppError(error.code, error.message, error.details);
    if (error instanceof TimeoutError) return new AppError('UPSTREAM_TIMEOUT', 'A service took too long to answer');
    this.logger.warn({ msg: 'bus request failed', pattern, error: error instanceof Error ? error.message : String(error) });
    return new AppError('DEPENDENCY_UNAVAILABLE', 'A service is unavailable, try again shortly');
  }
}
