import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type { ErrorEvent, EventHint, NodeClient } from '@sentry/node';
import { hostname } from 'node:os';
import { APP_CONFIG, ServiceEnv } from '#libs/config';
import { SERVICE_NAME } from '#libs/metrics';
import { scrubText, scrubValue } from './scrub';

/** What is known about where an unexpected error happened. */
export interface ErrorContext {
  requestId?: string;
  userId?: string;
  /** `http`, `rpc`, `job`, or another transport's name. */
  transport: string;
  method?: string;
  /** The route pattern (`/api/orders/:id`) or the bus pattern. */
  route?: string;
  /** Request headers; only a few harmless ones are kept. */
  headers?: Record<string, string | string[] | undefined>;
}

/** Headers worth having beside an error; everything else (Authorization, Cookie, signatures) stays out. */
const KEPT_HEADERS = new Set(['user-agent', 'content-type', 'content-length', 'x-request-id', 'x-forwarded-for', 'idempotency-key']);

/** Removes what must never reach the error tracker; runs on every event before it is sent. */
export function scrubEvent(event: ErrorEvent): ErrorEvent {
  const scrubbed = scrubValue(event);
  if (scrubbed.request) {
    delete scrubbed.request.cookies;
    delete scrubbed.request.data;
    if (scrubbed.request.url) scrubbed.request.url = scrubText(scrubbed.request.url);
    if (scrubbed.request.query_string)
      scrubbed.request.query_string =
        typeof scrubbed.request.query_string === 'string' ? scrubText(scrubbed.request.query_string) : scrubbed.request.query_string;
    if (scrubbed.request.headers)
      scrubbed.request.headers = Object.fromEntries(Object.entries(scrubbed.request.headers).filter(([name]) => KEPT_HEADERS.has(name.toLowerCase())));
  }
  for (const exception of scrubbed.exception?.values ?? []) if (exception.value) exception.value = scrubText(exception.value);
  if (scrubbed.message) scrubbed.message = scrubText(scrubbed.message);
  return scrubbed;
}

/**
 * Sends unexpected errors (the 500s and failed bus handlers) to Sentry when SENTRY_DSN is set, and does nothing
 * otherwise. A client of its own (no global Sentry.init): no OpenTelemetry, no patching of Nest's ESM modules,
 * and several services in one test process stay apart. Each event carries the service, replica, request id and
 * user id; secrets are scrubbed from it before it leaves (scrubEvent).
 */
@Injectable()
export class ErrorTracker implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(ErrorTracker.name);
  private sentry?: typeof import('@sentry/node');
  private client?: NodeClient;

  constructor(
    @Inject(APP_CONFIG) private readonly config: ServiceEnv,
    @Inject(SERVICE_NAME) private readonly service: string,
  ) {}

  async onModuleInit(): Promise<void> {
    const { config } = this;
    if (!config.SENTRY_DSN) return;
    // Loaded only when errors are sent: the SDK alone costs about 35 MB of memory and a second of start-up per process.
    const sentry = (this.sentry = await import('@sentry/node'));
    const { defaultStackParser, dedupeIntegration, linkedErrorsIntegration, makeNodeTransport, NodeClient } = sentry;
    this.client = new NodeClient({
      dsn: config.SENTRY_DSN,
      environment: config.SENTRY_ENVIRONMENT ?? config.NODE_ENV,
      release: config.SENTRY_RELEASE,
      serverName: config.INSTANCE_ID ?? `${hostname()}:${config.PORT}`,
      transport: makeNodeTransport,
      stackParser: defaultStackParser,
      integrations: [dedupeIntegration(), linkedErrorsIntegration()],
      maxBreadcrumbs: 0,
      // No loader hooks injecting diagnostics channels into other modules: this client only reports errors.
      enableRuntimeChannelInjection: false,
      beforeSend: (event) => scrubEvent(event),
    });
    this.client.init();
    this.logger.log({ msg: 'error tracking on', environment: config.SENTRY_ENVIRONMENT ?? config.NODE_ENV });
  }

  /** Whether errors are being sent (SENTRY_DSN set). */
  get enabled(): boolean {
    return this.client !== undefined;
  }

  /** Reports one unexpected error; never throws and never waits for the network. */
  capture(error: unknown, context: ErrorContext): void {
    if (!this.client || !this.sentry) return;
    try {
      const scope = new this.sentry.Scope();
      scope.setClient(this.client);
      scope.setTags({
        service: this.service,
        transport: context.transport,
        ...(context.requestId ? { request_id: context.requestId } : {}),
        ...(context.route ? { route: context.route } : {}),
      });
      if (context.userId) scope.setUser({ id: context.userId });
      if (context.method || context.headers) {
        const headers = Object.fromEntries(
          Object.entries(context.headers ?? {})
            .filter(([name, value]) => KEPT_HEADERS.has(name.toLowerCase()) && value !== undefined)
            .map(([name, value]) => [name, String(value)]),
        );
        scope.setSDKProcessingMetadata({ normalizedRequest: { method: context.method, url: context.route, headers } });
      }
      const hint: EventHint = { originalException: error };
      scope.captureException(error, hint);
    } catch (failure) {
      this.logger.warn({ msg: 'error tracking failed', error: (failure as Error).message });
    }
  }

  /** Waits (at most `timeoutMs`) until the events captured so far are sent. */
  flush(timeoutMs = 2000): Promise<boolean> {
    return this.client ? Promise.resolve(this.client.flush(timeoutMs)) : Promise.resolve(true);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client?.close(2000);
  }
}
