import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Where a Node target's heap probe writes its reading. */
export function heapProbeFile(pid: number): string {
  return join(tmpdir(), `nest-channels-bench-heap-${pid}`);
}
