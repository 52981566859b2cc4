import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { launch } from './launch';
import { NODE_GRACE_MS, targetNodeArgs } from './node-args';
import { ROOT } from './paths';
import type { RunningTarget, Target } from './target';

type Layer = 'memory' | 'redis' | 'redis-pubsub';

/** Rate limits far above any load the bench makes, so the limiter never throttles it. */
const UNLIMITED = '1000000';
/** The largest per-minute rate the app accepts: far beyond any scenario's. */
const PER_MINUTE_UNLIMITED = '100000000';

/** This application, `node dist/main.js`, on one channel layer backend. */
export class NestAppTarget implements Target {
  readonly name: string;
  readonly protocol = 'chat';
  readonly usesRedis: boolean;

  constructor(
    private readonly layer: Layer,
    readonly processes: number,
  ) {
    this.name = `nest ${layer}`;
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
      args: () => [...targetNodeArgs(), join(ROOT, 'dist', 'main.js')],
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
      }),
      graceMs: NODE_GRACE_MS,
    });
  }
}
