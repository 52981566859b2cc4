/**
 * Preloaded (`node --expose-gc -r heap-probe.js`) into every Node target of
 * the bench: on SIGURG it collects garbage and writes the heap in use to
 * `heapProbeFile(pid)`, so that S3 can read what each idle connection keeps,
 * not only the RSS, which V8's young generation sizes by the allocation rate
 * of the handshakes rather than by what is kept. SIGURG because Nest's
 * shutdown hooks take SIGUSR2 and the default action of SIGURG is to ignore it.
 */
import { writeFileSync } from 'node:fs';
import { heapProbeFile } from '../common/heap-probe-file';

process.on('SIGURG', () => {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (!collect) {
    return;
  }
  collect();
  collect();
  writeFileSync(
    heapProbeFile(process.pid),
    String(process.memoryUsage().heapUsed),
  );
});
