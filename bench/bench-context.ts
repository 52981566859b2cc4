import type { CommandStats } from './common/redis-commands';
import type { LoadGenerator } from './load/load-generator';
import type { RunningTarget, Target } from './targets/target';

/** What every phase of a bench run shares. */
export interface BenchContext {
  redisUrl: string;
  /** redis-server's pid: its CPU counts towards the targets that use it. */
  redisPid: number;
  /** Redis's command counters now (`INFO commandstats`). */
  redisCommands: () => Promise<CommandStats>;
  generator: LoadGenerator;
  /** Starts `target` on the bench's Redis, on the targets' CPUs (`CpuSplit`). */
  startTarget: (target: Target) => Promise<RunningTarget>;
  /** Called before each target starts (flushes Redis, so no run inherits another's keys). */
  reset: () => Promise<void>;
  /** Prints a progress line, prefixed with the time since the run began. */
  log: (line: string) => void;
}
