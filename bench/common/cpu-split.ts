import { execFileSync } from 'node:child_process';
import { cpus } from 'node:os';

/**
 * Which CPUs the servers under test (with their Redis) may run on, and which
 * the load generator (the bench's own process and its load workers). On a
 * small machine a ramp that shares every core with its load generator
 * saturates the machine, not the server: the cheaper server only leaves
 * more CPU to the generator. Split (`--pin`), each side saturates on its
 * own; on 2 cores the generator's one core is then often the first.
 */
export interface CpuSplit {
  /** `taskset` CPU list of the servers and Redis (`0`). */
  targets: string;
  /** `taskset` CPU list of the load generator (`1`). */
  generator: string;
  /** How many CPUs the generator has. */
  generatorCount: number;
}

/** `0-3`, or `1` for one CPU. */
const range = (first: number, last: number): string =>
  first === last ? String(first) : `${first}-${last}`;

/**
 * The first half of the machine's CPUs for the targets, the rest for the
 * generator; undefined on a single CPU, where there is nothing to split.
 */
export function splitCpus(): CpuSplit | undefined {
  const count = cpus().length;
  if (count < 2) {
    return undefined;
  }
  const half = Math.floor(count / 2);
  return {
    targets: range(0, half - 1),
    generator: range(half, count - 1),
    generatorCount: count - half,
  };
}

/**
 * Sets the CPUs of process `pid` and of every thread it has now; threads it
 * starts later inherit them. `taskset` (util-linux) is the tool made for it:
 * Node has no call to set a process's affinity.
 */
export function pinProcess(pid: number, cpuList: string): void {
  try {
    execFileSync(
      'taskset',
      ['--all-tasks', '--pid', '--cpu-list', cpuList, String(pid)],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
  } catch (error) {
    throw new Error(
      `bench: could not pin process ${pid} to CPUs ${cpuList} with taskset ` +
        `(${String(error).split('\n')[0]}); run without --pin to share every CPU`,
      { cause: error },
    );
  }
}

/** `servers and Redis pinned to CPU 0, load generator to CPU 1`, for the report. */
export function describeSplit(split: CpuSplit | undefined): string {
  return split
    ? `servers and Redis pinned to CPU ${split.targets}, load generator to CPU ${split.generator}`
    : 'servers, Redis and load generator share every CPU';
}
