import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AccessTokenVerifier } from './access-token-verifier';
import { AuthGuard } from './auth.guard';
import { SessionRevocations } from './session-revocations';

/** Installs the access-token guard on every HTTP route of a service. */
@Global()
@Module({
  providers: [AccessTokenVerifier, SessionRevocations, { provide: APP_GUARD, useClass: AuthGuard }],
  exports: [AccessTokenVerifier, SessionRevocations],
})
export class AuthGuardModule {}
