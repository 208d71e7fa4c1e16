export * from './push-signature';
export * from './push-message-cipher';
