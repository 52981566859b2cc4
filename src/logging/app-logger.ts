import { ConsoleLogger } from '@nestjs/common';
import {
  LOG_LEVELS_BY_VERBOSITY,
  type OperationsConfig,
} from '../config/operations.config';

type JsonLogOptions = Parameters<ConsoleLogger['getJsonLogObject']>[1];

/**
 * Nest's `ConsoleLogger` as `LOG_FORMAT` and `LOG_LEVEL` ask: `text` is
 * Nest's own format; `json` is Nest's JSON output (one object per line) with
 * an ISO `time` first and the fields a call passes (`room`, `channel`,
 * `code` …) at the top level, where log shippers look for them.
 */
export class AppLogger extends ConsoleLogger {
  constructor({ format, level }: OperationsConfig['log']) {
    super({
      json: format === 'json',
      logLevels: LOG_LEVELS_BY_VERBOSITY.slice(
        LOG_LEVELS_BY_VERBOSITY.indexOf(level),
      ),
      flattenParams: true,
    });
  }

  protected override getJsonLogObject(
    message: unknown,
    options: JsonLogOptions,
  ): ReturnType<ConsoleLogger['getJsonLogObject']> {
    const {
      timestamp,
      level,
      context,
      message: text,
      ...fields
    } = super.getJsonLogObject(message, options);
    return {
      time: new Date(timestamp).toISOString(),
      level,
      context,
      message: text,
      ...fields,
      timestamp,
    };
  }
}
