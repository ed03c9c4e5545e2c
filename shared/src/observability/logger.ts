import { Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger';

type LogExtra = Record<string, unknown>;

/** The small logging surface the code uses, so tests can hand in a capturing fake. */
export interface Logger {
  debug(message: string, extra?: LogExtra): void;
  info(message: string, extra?: LogExtra): void;
  warn(message: string, extra?: LogExtra): void;
  error(message: string, extra?: LogExtra): void;
}

/** Structured JSON logs (Powertools) with the service name on every line. */
export function createLogger(serviceName: string): Logger {
  const logger = new PowertoolsLogger({ serviceName });
  return {
    debug: (message, extra = {}) => logger.debug(message, extra),
    info: (message, extra = {}) => logger.info(message, extra),
    warn: (message, extra = {}) => logger.warn(message, extra),
    error: (message, extra = {}) => logger.error(message, extra),
  };
}
