import { join } from 'node:path';
import { BENCH_TARGETS_DIR } from './paths';

/**
 * `node` flags for the Node targets (this app, raw ws, Socket.IO): the heap
 * probe that S3 reads (`heap-probe.ts`), then the extra flags of
 * BENCH_NODE_ARGS: `BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof"`
 * profiles the servers and not the bench (NODE_OPTIONS refuses --cpu-prof).
 */
export function targetNodeArgs(): string[] {
  return [
    '--expose-gc',
    '-r',
    join(BENCH_TARGETS_DIR, 'heap-probe.js'),
    ...(process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean),
  ];
}

/** Time a Node target gets to exit (and write a profile) after SIGTERM. */
export const NODE_GRACE_MS = 5_000;
