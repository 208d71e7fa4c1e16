import { SandboxRoute } from './wechat-api';

/** What the router found for a request's method and path. */
export type RouteLookup =
  | { kind: 'found'; route: SandboxRoute; params: Record<string, string> }
  /** The path exists but only for another method; `route` is that other method's route. */
  | { kind: 'wrongMethod'; route: SandboxRoute }
  | { kind: 'notFound' };

/** Finds the route for a method and path; `:name` segments match any one segment. */
export class SandboxRouter {
  constructor(readonly routes: readonly SandboxRoute[]) {}

  find(method: string, pathname: string): RouteLookup {
    let wrongMethod: SandboxRoute | undefined;
    for (const route of this.routes) {
      const params = matchPath(route.path, pathname);
      if (!params) continue;
      if (route.method === method) return { kind: 'found', route, params };
      wrongMethod ??= route;
    }
    return wrongMethod ? { kind: 'wrongMethod', route: wrongMethod } : { kind: 'notFound' };
  }
}

function matchPath(pattern: string, pathname: string): Record<string, string> | undefined {
  const expected = pattern.split('/');
  const actual = pathname.split('/');
  if (expected.length !== actual.length) return undefined;
  const params: Record<string, string> = {};
  for (const [index, segment] of expected.entries()) {
    const value = actual[index];
    if (segment.startsWith(':') && value !== '') params[segment.slice(1)] = safeDecode(value);
    else if (segment !== value) return undefined;
  }
  return params;
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
