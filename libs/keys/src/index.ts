export * from './signing-keys';
