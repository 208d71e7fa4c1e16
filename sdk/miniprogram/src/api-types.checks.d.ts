// Compile-time checks of the route types the SDK derives from api-types.ts (checked by `npm run sdk:build` and the
// SDK's build spec). A regenerated api-types.ts that breaks one of the SDK's assumptions fails here. Emits nothing.
import type { CreateOrderBody, Order, ServerErrorCode } from './contract';
import type { ErrorCodeOf, MethodOf, PathParamsOf, ReplyOf, TakesIdempotencyKey } from './operations';

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Holds<T extends true> = T;

export type ApiTypesChecks = [
  Holds<Same<ReplyOf<'/api/orders', 'post'>, Order>>,
  Holds<Same<MethodOf<'/api/orders'>, 'get' | 'post'>>,
  Holds<Same<ReplyOf<'/api/auth/logout', 'post'>, undefined>>,
  Holds<Same<PathParamsOf<'/api/orders/{id}', 'get'>, { id: string }>>,
  // The writes the issue names take a key; reads do not.
  Holds<Same<TakesIdempotencyKey<'/api/orders', 'post'>, true>>,
  Holds<Same<TakesIdempotencyKey<'/api/appointments', 'post'>, true>>,
  Holds<Same<TakesIdempotencyKey<'/api/orders/{id}/pay', 'post'>, true>>,
  Holds<Same<TakesIdempotencyKey<'/api/orders/{id}', 'get'>, false>>,
  Holds<'INSUFFICIENT_STOCK' extends ErrorCodeOf<'/api/orders', 'post'> ? true : false>,
  Holds<'TOKEN_EXPIRED' extends ServerErrorCode ? true : false>,
  Holds<CreateOrderBody extends { items: { skuId: string; quantity: number }[] } ? true : false>,
];
