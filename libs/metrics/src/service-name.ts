/** Injection token of the running service's name (`auth`, `catalog`, ...). */
export const SERVICE_NAME = Symbol('SERVICE_NAME');
