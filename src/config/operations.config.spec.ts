import { EnvReader } from './env-reader';
import { operationsConfig } from './operations.config';

function read(env: Record<string, string>): {
  config: ReturnType<typeof operationsConfig>;
  problems: readonly string[];
} {
  const reader = new EnvReader(env);
  return { config: operationsConfig(reader), problems: reader.problems };
}

describe('operationsConfig', () => {
  it('should default to metrics on the app port and text logs at log level', () => {
    expect(read({})).toEqual({
      config: {
        metrics: { enabled: true, port: undefined },
        log: { format: 'text', level: 'log' },
      },
      problems: [],
    });
  });

  it('should read every variable', () => {
    expect(
      read({
        METRICS_ENABLED: 'false',
        METRICS_PORT: '9464',
        LOG_FORMAT: 'json',
        LOG_LEVEL: 'warn',
      }).config,
    ).toEqual({
      metrics: { enabled: false, port: 9464 },
      log: { format: 'json', level: 'warn' },
    });
  });

  it('should report one line per bad variable, naming it and what it accepts', () => {
    expect(
      read({
        METRICS_ENABLED: 'maybe',
        METRICS_PORT: '70000',
        LOG_FORMAT: 'xml',
        LOG_LEVEL: 'loud',
      }).problems,
    ).toEqual([
      'METRICS_PORT="70000": must be an integer from 1 to 65535',
      'METRICS_ENABLED="maybe": must be true or false',
      'LOG_FORMAT="xml": must be one of json, text',
      'LOG_LEVEL="loud": must be one of verbose, debug, log, warn, error, fatal',
    ]);
  });
});
