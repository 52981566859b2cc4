import { heapAfterGc } from '../common/heap-after-gc';
import { clientUrl } from '../load/client-url';
import type { LoadGenerator } from '../load/load-generator';
import { settle } from '../load/settle';
import type { ServerSampler } from '../load/server-sampler';
import type { ClientSpec } from '../load/worker-protocol';
import type { RunningTarget, Target } from '../targets/target';
import type { IdleFigures } from './scenario-result';

/** S3: idle connections per process, the levels in order. */
export const S3_LEVELS = [2_000, 5_000] as const;
export const S3_TITLE =
  'S3: idle connections, memory per connection (RSS delta and, for Node, heap after GC delta / connections)';
/** Rooms the idle connections are spread over. */
const ROOMS = 100;
/** Longest wait for the target to go idle after the connections open. */
const SETTLE_MAX_MS = 5_000;

/**
 * Opens idle connections to the target's first process up to each level and
 * reads that process's RSS, and for Node targets its heap after a full GC,
 * against the same before the first connection (the figure is per process,
 * so one process of a multi-process target is enough).
 */
export async function runIdle(
  target: Target,
  running: RunningTarget,
  generator: LoadGenerator,
  sampler: ServerSampler,
  log: (line: string) => void,
): Promise<IdleFigures[]> {
  await settle(sampler, 10_000);
  const base = (await sampler.snapshot()).rss[0];
  const pid = running.pids[0];
  const heapBase = target.heapProbe ? await heapAfterGc(pid) : undefined;
  const figures: IdleFigures[] = [];
  let open = 0;
  let failed = 0;
  try {
    for (const level of S3_LEVELS) {
      const specs: ClientSpec[] = [];
      for (let i = open; i < level; i++) {
        specs.push({
          url: clientUrl(target.protocol, running.ports[0], `s3r${i % ROOMS}`),
          sender: false,
        });
      }
      const started = Date.now();
      const result = await generator.connect(target.protocol, specs);
      failed += result.failed;
      open = level;
      await settle(sampler, SETTLE_MAX_MS);
      const rss = (await sampler.snapshot()).rss[0];
      const perConnection = (rss - base) / level;
      const heap = heapBase === undefined ? undefined : await heapAfterGc(pid);
      const heapPerConnection =
        heapBase === undefined || heap === undefined
          ? undefined
          : (heap - heapBase) / level;
      figures.push({
        perProcess: level,
        bytesPerConnection: perConnection,
        rss,
        heapBytesPerConnection: heapPerConnection,
        failed,
      });
      log(
        `    ${level} per process: ${(perConnection / 1024).toFixed(1)} KiB/connection, ` +
          (heapPerConnection === undefined
            ? ''
            : `heap after GC ${(heapPerConnection / 1024).toFixed(2)} KiB/connection, `) +
          `RSS ${(rss / 1_048_576).toFixed(0)} MiB, ` +
          `opened in ${((Date.now() - started) / 1000).toFixed(1)} s` +
          (failed > 0 ? `, ${failed} failed (${result.error})` : ''),
      );
    }
  } finally {
    await generator.closeAll();
  }
  return figures;
}
