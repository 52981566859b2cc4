import { join } from 'node:path';
import { launch } from './launch';
import { NODE_GRACE_MS, targetNodeArgs } from './node-args';
import { BENCH_TARGETS_DIR } from './paths';
import type { RunningTarget, Target } from './target';

/** The ceiling: `raw-ws-server.ts`, a bare `ws` server with an in-process room map. */
export class RawWsTarget implements Target {
  readonly name = 'raw ws';
  readonly processes = 1;
  readonly protocol = 'chat';
  readonly usesRedis = false;
  readonly heapProbe = true;

  unavailable(): string | undefined {
    return undefined;
  }

  start(): Promise<RunningTarget> {
    return launch(this.processes, {
      command: process.execPath,
      args: (port) => [
        ...targetNodeArgs(),
        join(BENCH_TARGETS_DIR, 'raw-ws-server.js'),
        String(port),
      ],
      graceMs: NODE_GRACE_MS,
    });
  }
}
