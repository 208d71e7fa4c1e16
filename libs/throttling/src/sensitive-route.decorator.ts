import { SetMetadata } from '@nestjs/common';

/** Metadata key of routes under the stricter `sensitive` limit (logins, token refresh). */
export const SENSITIVE_ROUTE = 'throttle:sensitive';

/** Puts a route under the stricter per-client limit THROTTLE_SENSITIVE_LIMIT, on top of the default one. */
export const SensitiveRoute = () => SetMetadata(SENSITIVE_ROUTE, true);
