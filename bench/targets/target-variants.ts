import { LAYER_PROCESSES, NestAppTarget, type Layer } from './nest-app.target';

/**
 * Named variants of the app's targets, for showing a feature's cost side by
 * side with the plain target in one run: `--with=memory+nometrics`.
 */
export const NAMED_VARIANTS: Readonly<
  Record<string, Readonly<Record<string, string>>>
> = {
  nometrics: { METRICS_ENABLED: 'false' },
  history: { CHAT_HISTORY_SIZE: '100' },
};

const isLayer = (name: string): name is Layer => name in LAYER_PROCESSES;

/** `KEY=VALUE` as an environment entry; throws on anything else. */
export function parseEnvAssignment(text: string): [string, string] {
  const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(text);
  if (!match) {
    throw new Error(`bench: "${text}" is not KEY=VALUE`);
  }
  return [match[1], match[2]];
}

/**
 * A variant target from `<layer>+<part>+…`, each part a named variant
 * (`nometrics`, `history`) or `KEY=VALUE`: `memory+nometrics`,
 * `redis-pubsub+history`, `memory+CHAT_HISTORY_SIZE=10`. Named
 * `nest <spec>`; `baseEnv` (from `--env=`) comes first, the variant's after.
 */
export function variantTarget(
  spec: string,
  baseEnv: Readonly<Record<string, string>> = {},
): NestAppTarget {
  const [layer, ...parts] = spec.split('+');
  if (!isLayer(layer) || parts.length === 0) {
    throw new Error(
      `bench: variant "${spec}" must be <layer>+<variant>, layer one of ` +
        `${Object.keys(LAYER_PROCESSES).join(', ')}, variant one of ` +
        `${Object.keys(NAMED_VARIANTS).join(', ')} or KEY=VALUE`,
    );
  }
  const env: Record<string, string> = { ...baseEnv };
  for (const part of parts) {
    const named = NAMED_VARIANTS[part];
    if (named) {
      Object.assign(env, named);
    } else {
      const [key, value] = parseEnvAssignment(part);
      env[key] = value;
    }
  }
  return new NestAppTarget(layer, env, `+${parts.join('+')}`);
}
