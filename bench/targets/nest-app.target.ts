import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { productionNodeArgs } from '../../test/helpers/production-command';
import { launch } from './launch';
import { NODE_GRACE_MS, targetNodeArgs } from './node-args';
import { ROOT } from './paths';
import type { RunningTarget, Target } from './target';

/** The app's channel layer backends, and how many processes the bench runs of each. */
export const LAYER_PROCESSES = {
  memory: 1,
  redis: 2,
  'redis-pubsub': 2,
} as const;

export type Layer = keyof typeof LAYER_PROCESSES;

/** Rate limits far above any load the bench makes, so the limiter never throttles it. */
const UNLIMITED = '1000000';
/** The largest per-minute rate the app accepts: far beyond any scenario's. */
const PER_MINUTE_UNLIMITED = '100000000';

/**
 * This application as its image runs it (package.json's `start:prod`, its V8
 * flags included), on one channel layer backend, with
 * optional extra environment (a variant: `nest memory+nometrics`).
 */
export class NestAppTarget implements Target {
  readonly name: string;
  readonly processes: number;
  readonly protocol = 'chat';
  readonly usesRedis: boolean;
  readonly heapProbe = true;

  /**
   * @param extraEnv set after the bench's own variables, so it can override them
   * @param suffix appended to the name: `+nometrics` makes `nest memory+nometrics`
   */
  constructor(
    private readonly layer: Layer,
    private readonly extraEnv: Readonly<Record<string, string>> = {},
    suffix = '',
  ) {
    this.name = `nest ${layer}${suffix}`;
    this.processes = LAYER_PROCESSES[layer];
    this.usesRedis = layer !== 'memory';
  }

  unavailable(): string | undefined {
    return existsSync(join(ROOT, 'dist', 'main.js'))
      ? undefined
      : 'dist/main.js missing (npm run build)';
  }

  start(redisUrl: string): Promise<RunningTarget> {
    return launch(this.processes, {
      command: process.execPath,
      args: () => [...targetNodeArgs(), ...productionNodeArgs(ROOT)],
      cwd: ROOT,
      env: (port) => ({
        NODE_ENV: 'production',
        PORT: String(port),
        HOST: '127.0.0.1',
        CHANNEL_LAYER: this.layer,
        REDIS_URL: redisUrl,
        CHAT_RATE_LIMIT: UNLIMITED,
        CHAT_RATE_BURST: UNLIMITED,
        // Every load-generator client comes from one address.
        WS_HANDSHAKE_RATE_LIMIT: PER_MINUTE_UNLIMITED,
        WS_HANDSHAKE_RATE_BURST: UNLIMITED,
        CHAT_ADDRESS_RATE_LIMIT: PER_MINUTE_UNLIMITED,
        CHAT_ADDRESS_RATE_BURST: UNLIMITED,
        HTTP_MAX_PENDING_SOCKETS: UNLIMITED,
        WS_MAX_CONNECTIONS: '100000',
        ...this.extraEnv,
      }),
      graceMs: NODE_GRACE_MS,
    });
  }
}
