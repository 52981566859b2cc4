import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

/** The repository's root. */
export const ROOT = join(__dirname, '..', '..');

/** The parts of a compose service the deployment checks read. */
export interface ComposeService {
  image?: string;
  build?: { context?: string; dockerfile?: string };
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
  depends_on?: Record<string, { condition?: string }>;
  healthcheck?: { test?: string[] };
}

/**
 * A compose file of docker/ (compose.yaml unless named) as `docker compose`
 * reads it with no variables set: `${NAME:-default}` replaced by its
 * default, YAML anchors and `<<` merge keys resolved.
 */
export function readCompose(file = 'compose.yaml'): {
  services: Record<string, ComposeService>;
} {
  const text = readFileSync(join(ROOT, 'docker', file), 'utf8');
  return parse(
    text.replace(/\$\{[A-Z_][A-Z\d_]*:?-([^}]*)\}/g, (_match, fallback) =>
      String(fallback),
    ),
    { merge: true },
  ) as { services: Record<string, ComposeService> };
}

/** docker/sentinel.conf's directives, each split into its words; comments dropped. */
export function readSentinelConfig(): string[][] {
  return readFileSync(join(ROOT, 'docker', 'sentinel.conf'), 'utf8')
    .split('\n')
    .map((line) => line.replace(/#.*$/, '').trim())
    .filter((line) => line !== '')
    .map((line) => line.split(/\s+/));
}

/** The master docker/sentinel.conf monitors: its name, host, port and quorum. */
export function sentinelMonitor(): {
  name: string;
  host: string;
  port: number;
  quorum: number;
} {
  const monitor = readSentinelConfig().find(
    ([directive, option]) => directive === 'sentinel' && option === 'monitor',
  );
  if (!monitor) {
    throw new Error('docker/sentinel.conf monitors no master');
  }
  const [, , name, host, port, quorum] = monitor;
  return { name, host, port: Number(port), quorum: Number(quorum) };
}

/** One Dockerfile instruction: `keyword` upper-cased, `args` as written. */
export interface DockerInstruction {
  keyword: string;
  args: string;
}

/** docker/Dockerfile's instructions, continuation lines joined, comments dropped. */
export function readDockerfile(): DockerInstruction[] {
  const text = readFileSync(join(ROOT, 'docker', 'Dockerfile'), 'utf8');
  const logical = text
    .split('\n')
    .filter((line) => !/^\s*#/.test(line))
    .join('\n')
    .replace(/\\\n/g, ' ');
  return logical
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .map((line) => {
      const [keyword, ...rest] = line.split(/\s+/);
      return { keyword: keyword.toUpperCase(), args: rest.join(' ') };
    });
}

/** docker/haproxy.cfg's lines, comments and blank lines dropped. */
export function readHaproxyConfig(): string[] {
  return readFileSync(join(ROOT, 'docker', 'haproxy.cfg'), 'utf8')
    .split('\n')
    .map((line) => line.replace(/#.*$/, '').trim())
    .filter((line) => line !== '');
}

/** A `"${NAME-default}"` argument of the HAProxy config: its variable and default. */
export interface HaproxyVariable {
  variable: string;
  fallback: string;
}

/** Parses `"${NAME-default}"`, or throws: the file must work unchanged in compose. */
export function haproxyVariable(argument: string): HaproxyVariable {
  const found = /^"\$\{([A-Z_][A-Z\d_]*)-([^}]*)\}"$/.exec(argument);
  if (!found) {
    throw new Error(`${argument} is not "\${NAME-default}"`);
  }
  return { variable: found[1], fallback: found[2] };
}

/**
 * The environment variables the application reads (`parseAppConfig`), found
 * by letting it read an environment that records every name asked for;
 * `values` gives some of them values (a mode's own variables are read only
 * in that mode).
 */
export function variablesReadBy(
  parseConfig: (env: Record<string, unknown>) => unknown,
  values: Record<string, string> = {},
): Set<string> {
  const names = new Set<string>();
  const env = new Proxy<Record<string, unknown>>(
    {},
    {
      get(_target, name) {
        if (typeof name === 'string') {
          names.add(name);
          return values[name];
        }
        return undefined;
      },
    },
  );
  parseConfig(env);
  return names;
}
