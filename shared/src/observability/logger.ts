import { Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger';
import type { LogLevel } from '@aws-lambda-powertools/logger/types';

type LogExtra = Record<string, unknown>;

/** The small logging surface use cases see, so tests can hand in a capturing fake. */
export interface Logger {
  debug(message: string, ...extra: LogExtra[]): void;
  info(message: string, ...extra: LogExtra[]): void;
  warn(message: string, ...extra: LogExtra[]): void;
  error(message: string, ...extra: LogExtra[]): void;
}

/**
 * Structured JSON logs (Powertools) with the service name on every line. The level comes from
 * `POWERTOOLS_LOG_LEVEL` (the stack sets WARN: per-event lines are DEBUG, so they cost nothing in production).
 */
export function createLogger(serviceName: string, logLevel?: LogLevel): PowertoolsLogger {
  return new PowertoolsLogger({ serviceName, ...(logLevel ? { logLevel } : {}) });
}

/** A logger that drops everything: for tests and benchmarks that measure something else. */
export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
