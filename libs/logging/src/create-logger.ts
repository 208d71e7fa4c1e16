import pino, { Logger } from 'pino';
import { currentRequestContext } from './request-context';

/** Options of the process-wide JSON logger. */
export interface LoggerOptions {
  service: string;
  instance: string;
  level: string;
}

/** A pino logger writing JSON lines that carry the service, the replica and the current requestId. */
export function createLogger(options: LoggerOptions): Logger {
  return pino({
    level: options.level,
    base: { service: options.service, instance: options.instance },
    timestamp: pino.stdTimeFunctions.isoTime,
    messageKey: 'msg',
    redact: { paths: ['req.headers.authorization', 'req.headers.cookie', '*.password', '*.refreshToken', '*.sessionKey'], censor: '[redacted]' },
    mixin() {
      const context = currentRequestContext();
      return context ? { requestId: context.requestId, userId: context.userId } : {};
    },
  });
}
