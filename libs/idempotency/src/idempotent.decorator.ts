import { applyDecorators, UseInterceptors } from '@nestjs/common';
import { IdempotencyInterceptor } from './idempotency.interceptor';

/** The route honours an `Idempotency-Key` header: one execution per user and key, its result repeated to duplicates. */
export const Idempotent = () => applyDecorators(UseInterceptors(IdempotencyInterceptor));
