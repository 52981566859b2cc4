import { join } from 'node:path';
import { launch } from './launch';
import { NODE_GRACE_MS, targetNodeArgs } from './node-args';
import { BENCH_TARGETS_DIR } from './paths';
import type { RunningTarget, Target } from './target';

/** `socketio-server.ts`: Socket.IO 4 with @socket.io/redis-adapter. */
export class SocketIoTarget implements Target {
  readonly name = 'socket.io redis';
  readonly protocol = 'socketio';
  readonly usesRedis = true;
  readonly heapProbe = true;

  constructor(readonly processes: number) {}

  unavailable(): string | undefined {
    return undefined;
  }

  start(redisUrl: string): Promise<RunningTarget> {
    return launch(this.processes, {
      command: process.execPath,
      args: (port) => [
        ...targetNodeArgs(),
        join(BENCH_TARGETS_DIR, 'socketio-server.js'),
        String(port),
        redisUrl,
      ],
      graceMs: NODE_GRACE_MS,
    });
  }
}
