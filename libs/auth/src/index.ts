export * from './principal';
export * from './auth.decorators';
export * from './access-token-verifier';
export * from './session-revocations';
export * from './signed-links';
export * from './auth.guard';
export * from './auth-guard.module';
export * from './bearer-token';
