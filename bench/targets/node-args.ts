/**
 * Extra `node` flags for the Node targets (this app, raw ws, Socket.IO), from
 * BENCH_NODE_ARGS: `BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof"`
 * profiles the servers and not the bench (NODE_OPTIONS refuses --cpu-prof).
 */
export function targetNodeArgs(): string[] {
  return (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
}

/** Time a Node target gets to exit (and write a profile) after SIGTERM. */
export const NODE_GRACE_MS = 5_000;
