import type { LogLevel } from '@nestjs/common';
import type { EnvReader } from './env-reader';

/** How the process is observed (README: Operations). */
export interface OperationsConfig {
  metrics: {
    /** `false`: no `/metrics`, no registry, no counting. @default true */
    enabled: boolean;
    /** A separate port for `/metrics`; `undefined`: the app's own port. */
    port?: number;
  };
  log: {
    /** `json`: one JSON object per line; `text`: Nest's console format. @default 'text' */
    format: 'json' | 'text';
    /** The least severe level printed; every more severe one is printed too. @default 'log' */
    level: LogLevel;
  };
}

/** Nest's levels, most verbose first: `LOG_LEVEL=warn` prints `warn`, `error` and `fatal`. */
export const LOG_LEVELS_BY_VERBOSITY: readonly LogLevel[] = [
  'verbose',
  'debug',
  'log',
  'warn',
  'error',
  'fatal',
];

/** Reads `METRICS_ENABLED`, `METRICS_PORT`, `LOG_FORMAT` and `LOG_LEVEL`. */
export function operationsConfig(env: EnvReader): OperationsConfig {
  const metricsPort = env.raw('METRICS_PORT')
    ? env.integer('METRICS_PORT', 0, 1, 65_535)
    : undefined;
  return {
    metrics: {
      enabled: env.boolean('METRICS_ENABLED', true),
      port: metricsPort,
    },
    log: {
      format: env.oneOf('LOG_FORMAT', ['json', 'text'] as const, 'text'),
      level: env.oneOf('LOG_LEVEL', LOG_LEVELS_BY_VERBOSITY, 'log'),
    },
  };
}
