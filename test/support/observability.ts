import type { LogItem } from '@aws-lambda-powertools/logger';
import { Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger';
import type { LogLevel } from '@aws-lambda-powertools/logger/types';
import { createObservability, type Observability } from '@basis/shared';

/** A Powertools logger whose lines go into an array instead of stdout: what a test reads to see what was logged. */
class CapturingLogger extends PowertoolsLogger {
  constructor(
    private readonly lines: string[],
    serviceName: string,
    logLevel: LogLevel,
  ) {
    super({ serviceName, logLevel });
  }

  protected override printLog(_logLevel: number, log: LogItem): void {
    log.prepareForPrint();
    this.lines.push(JSON.stringify(log.getAttributes()));
  }
}

/** Each function's observability for tests: real Powertools, silent. */
export function silentObservability(service: string): Observability {
  return createObservability(service, { logLevel: 'SILENT' });
}

/** Each function's observability, its log lines (JSON, as CloudWatch would receive them) captured in `lines`. */
export function capturingObservability(lines: string[], logLevel: LogLevel = 'DEBUG') {
  return (service: string): Observability => {
    const observability = createObservability(service, { logLevel: 'SILENT' });
    return { ...observability, logger: new CapturingLogger(lines, service, logLevel) };
  };
}
