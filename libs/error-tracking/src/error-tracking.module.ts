import { Global, Module } from '@nestjs/common';
import { ErrorTracker } from './error-tracker';

/** The service's ErrorTracker (Sentry when SENTRY_DSN is set, otherwise nothing). */
@Global()
@Module({ providers: [ErrorTracker], exports: [ErrorTracker] })
export class ErrorTrackingModule {}
