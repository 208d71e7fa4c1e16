import { AsyncLocalStorage } from 'node:async_hooks';

/** What is known about the request being served, wherever the code runs in its call chain. */
export interface RequestContext {
  requestId: string;
  userId?: string;
}

const storage = new AsyncLocalStorage<RequestContext>();

/** Runs `fn` with `context` as the current request context. */
export function runWithRequestContext<T>(context: RequestContext, fn: () => T): T {
  return storage.run(context, fn);
}

/**
 * Makes `context` current for the rest of this execution and everything it schedules. Used in Fastify's
 * onRequest hook: much cheaper than wrapping each handler's observable in `run`.
 */
export function enterRequestContext(context: RequestContext): void {
  storage.enterWith(context);
}

/** The current request's context, if the code runs inside one. */
export function currentRequestContext(): RequestContext | undefined {
  return storage.getStore();
}
