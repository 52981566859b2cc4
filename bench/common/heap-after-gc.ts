import { readFile, rm } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { heapProbeFile } from './heap-probe-file';

/** Longest wait for a target's heap probe to answer. */
const PROBE_TIMEOUT_MS = 10_000;
const POLL_MS = 25;

/**
 * The heap in use after a full GC of the Node target process `pid` (which
 * preloads `heap-probe.js`), in bytes; undefined when it does not answer.
 * Polls for the probe's file: a signal has no reply channel.
 */
export async function heapAfterGc(pid: number): Promise<number | undefined> {
  const file = heapProbeFile(pid);
  await rm(file, { force: true });
  process.kill(pid, 'SIGURG');
  const deadline = Date.now() + PROBE_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const text = await readFile(file, 'utf8').catch(() => '');
    if (text !== '') {
      await rm(file, { force: true });
      return Number(text);
    }
    await sleep(POLL_MS);
  }
  return undefined;
}
