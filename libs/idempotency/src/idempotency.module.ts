import { DynamicModule, Global, Module, Provider } from '@nestjs/common';
import { IdempotencyInterceptor } from './idempotency.interceptor';
import { DEFAULT_IDEMPOTENCY_OPTIONS, IDEMPOTENCY_OPTIONS, IdempotencyOptions } from './idempotency.options';
import { IdempotencyStore } from './idempotency.store';

/** The providers behind @Idempotent(), for a module that cannot import IdempotencyModule (tests of the lib). */
export function idempotencyProviders(options: Partial<IdempotencyOptions> = {}): Provider[] {
  return [{ provide: IDEMPOTENCY_OPTIONS, useValue: { ...DEFAULT_IDEMPOTENCY_OPTIONS, ...options } }, IdempotencyStore, IdempotencyInterceptor];
}

/** Idempotency-Key support for a service's routes (needs the service's REDIS from the platform). */
@Global()
@Module({})
export class IdempotencyModule {
  /** `options` override the defaults (24 h results, 60 s claims, 10 s waits). */
  static forRoot(options: Partial<IdempotencyOptions> = {}): DynamicModule {
    return { module: IdempotencyModule, providers: idempotencyProviders(options), exports: [IdempotencyStore, IdempotencyInterceptor, IDEMPOTENCY_OPTIONS] };
  }
}
