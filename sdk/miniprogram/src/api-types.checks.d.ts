// Compile-time checks of the route types the SDK derives from api-types.ts (checked by `npm run sdk:build` and the
// SDK's build spec). A regenerated api-types.ts that breaks one of the SDK's assumptions fails here. Emits nothing.
import type { CreateOrderBody, Order, ServerErrorCode, UpdateProfileBody, UserProfile } from './contract';
import type { BodyOf, ErrorCodeOf, MethodOf, PathParamsOf, ReplyOf, TakesIdempotencyKey } from './operations';

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
  // PATCH routes are typed like the others (the SDK sends them as POST + X-HTTP-Method-Override).
  Holds<Same<MethodOf<'/api/auth/me'>, 'get' | 'patch'>>,
  Holds<Same<ReplyOf<'/api/auth/me', 'patch'>, UserProfile>>,
  Holds<Same<UpdateProfileBody, BodyOf<'/api/auth/me', 'patch'>>>,
  Holds<Same<UpdateProfileBody, { nickname?: string; avatarUploadId?: string | null }>>,
  Holds<Same<TakesIdempotencyKey<'/api/auth/me', 'patch'>, false>>,
  Holds<'VALIDATION_FAILED' | 'CONTENT_REJECTED' | 'UPLOAD_NOT_FOUND' extends ErrorCodeOf<'/api/auth/me', 'patch'> ? true : false>,
];
