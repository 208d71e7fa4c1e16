/** Injection token of the Nest NATS client used for request-response messages. */
export const BUS_CLIENT = Symbol('BUS_CLIENT');
/** Injection token of the raw NATS connection used for health checks and broadcasts. */
export const NATS_CONNECTION = Symbol('NATS_CONNECTION');
