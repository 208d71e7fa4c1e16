/**
 * Types of any route of the API, read from `api-types.ts` (generated from docs/openapi.json by `npm run sdk:types`):
 * `ReplyOf<'/api/orders', 'post'>` is what POST /api/orders answers, `BodyOf<...>` what it takes.
 */
import type { paths } from './api-types';

/** Every path of the API, with `{id}` placeholders. */
export type ApiPath = keyof paths;
/** The methods of the API's routes; `patch` goes as `POST` with `X-HTTP-Method-Override: PATCH` (`wx.request` has no PATCH). */
export type ApiMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';
/** The methods `path` has. */
export type MethodOf<P extends ApiPath> = { [M in ApiMethod]: [NonNullable<paths[P][M]>] extends [never] ? never : M }[ApiMethod];

type Operation<P extends ApiPath, M extends ApiMethod> = NonNullable<paths[P][M]>;
type JsonOf<T> = T extends { content: { 'application/json': infer Body } } ? Body : undefined;
type Parameters<P extends ApiPath, M extends ApiMethod> = Operation<P, M> extends { parameters: infer Params } ? Params : never;

/** The JSON body the route takes (undefined when it takes none). */
export type BodyOf<P extends ApiPath, M extends ApiMethod> = Operation<P, M> extends { requestBody?: infer Body } ? JsonOf<NonNullable<Body>> : undefined;

/** The query the route takes; `limit` may always be left out (the server's default is 20). */
export type QueryOf<P extends ApiPath, M extends ApiMethod> =
  Parameters<P, M> extends { query?: infer Query } ? ([Query] extends [undefined] ? undefined : WithOptionalLimit<NonNullable<Query>>) : undefined;

/** The path parameters (`{id}`) of the route. */
export type PathParamsOf<P extends ApiPath, M extends ApiMethod> =
  Parameters<P, M> extends { path?: infer Params } ? ([Params] extends [undefined] ? undefined : NonNullable<Params>) : undefined;

type Responses<P extends ApiPath, M extends ApiMethod> = Operation<P, M> extends { responses: infer R } ? R : never;
type SuccessStatus = 200 | 201 | 202 | 204;

/** What the route answers on success (undefined for 204). */
export type ReplyOf<P extends ApiPath, M extends ApiMethod> = {
  [S in keyof Responses<P, M>]: S extends SuccessStatus ? JsonOf<Responses<P, M>[S]> : never;
}[keyof Responses<P, M>];

/** The error codes the route's OpenAPI document lists (the SDK's own codes, such as NETWORK_ERROR, come on top). */
export type ErrorCodeOf<P extends ApiPath, M extends ApiMethod> = {
  [S in keyof Responses<P, M>]: S extends SuccessStatus ? never : Responses<P, M>[S] extends { content: { 'application/json': { code: infer C } } } ? C : never;
}[keyof Responses<P, M>];

/** Whether the route takes an Idempotency-Key header. */
export type TakesIdempotencyKey<P extends ApiPath, M extends ApiMethod> =
  Parameters<P, M> extends { header?: infer Header }
    ? [NonNullable<Header>] extends [never]
      ? false
      : 'Idempotency-Key' extends keyof NonNullable<Header>
        ? true
        : false
    : false;

type WithOptionalLimit<Query> = Query extends { limit: unknown } ? Omit<Query, 'limit'> & { limit?: number } : Query;
