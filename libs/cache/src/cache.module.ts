import { DynamicModule, Global, Module } from '@nestjs/common';
import { CacheMetrics } from './cache-metrics';
import { CACHE_OPTIONS, CacheOptions } from './cache-options';
import { JsonCache } from './json-cache';
import { ReadyAnswerInterceptor, ReadyAnswers } from './ready-answers';

/** The two-tier JSON cache for a service's read models. */
@Global()
@Module({})
export class CacheModule {
  static forRoot(options: CacheOptions): DynamicModule {
    return {
      module: CacheModule,
      providers: [{ provide: CACHE_OPTIONS, useValue: options }, CacheMetrics, JsonCache, ReadyAnswers, ReadyAnswerInterceptor],
      exports: [JsonCache, ReadyAnswers, ReadyAnswerInterceptor],
    };
  }
}
