import type { ErrorCode } from '#libs/errors';

/** Metadata key of the error codes a route (or every route of a controller) can answer beyond the ones every route can. */
export const API_ERRORS = 'api-docs:errors';

/**
 * Names the domain error codes a route can answer, for its OpenAPI document (on a handler, or on a controller for all its routes).
 * The codes every route of its kind can answer (validation, auth, idempotency, rate limits, 5xx) are added by the document
 * builder from the route's other decorators; list only what the route's own rules throw.
 */
export function ApiErrors(...codes: [ErrorCode, ...ErrorCode[]]): ClassDecorator & MethodDecorator {
  return (target: object, key?: string | symbol) => {
    const holder = key === undefined ? target : (target as Record<string | symbol, object>)[key];
    const declared = (Reflect.getMetadata(API_ERRORS, holder) as ErrorCode[] | undefined) ?? [];
    Reflect.defineMetadata(API_ERRORS, [...declared, ...codes], holder);
  };
}

/** The codes {@link ApiErrors} declared on a controller and on one of its handlers. */
export function declaredErrorCodes(controller: object, handler: object): ErrorCode[] {
  const own = (holder: object) => (Reflect.getMetadata(API_ERRORS, holder) as ErrorCode[] | undefined) ?? [];
  return [...own(controller), ...own(handler)];
}
