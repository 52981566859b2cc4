import {
  spawn,
  type ChildProcess,
  type SpawnOptions,
} from 'node:child_process';

/**
 * Every process a bench starts, so that it can stop them all on its way out,
 * however it leaves (done, error, Ctrl-C).
 */
const children = new Set<ChildProcess>();
let hooked = false;

/** Starts `command` and tracks it until it exits. */
export function spawnTracked(
  command: string,
  args: readonly string[],
  options: SpawnOptions,
): ChildProcess {
  const child = spawn(command, args, options);
  track(child);
  return child;
}

/** Tracks a process started elsewhere (a `fork`). */
export function track(child: ChildProcess): ChildProcess {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

/**
 * Stops one process and waits for it to exit: SIGTERM first when `graceMs` is
 * given (so it can write a --cpu-prof profile), SIGKILL after that long.
 */
export function stopChild(child: ChildProcess, graceMs = 0): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    if (graceMs > 0) {
      child.kill('SIGTERM');
    }
  });
}

/** SIGKILLs every tracked process, synchronously (usable in an `exit` hook). */
export function killAllChildren(): void {
  for (const child of children) {
    child.kill('SIGKILL');
  }
}

/**
 * Kills every tracked process when this one exits, and turns Ctrl-C, SIGTERM
 * and an uncaught error into `cleanup` then an exit.
 */
export function installCleanup(cleanup: () => Promise<void>): void {
  if (hooked) {
    return;
  }
  hooked = true;
  process.once('exit', killAllChildren);
  const leave = (code: number, reason: unknown): void => {
    if (reason !== undefined) {
      console.error(reason);
    }
    const hardStop = setTimeout(() => process.exit(code), 5_000);
    hardStop.unref();
    void cleanup()
      .catch(() => undefined)
      .finally(() => process.exit(code));
  };
  process.once('SIGINT', () => leave(130, undefined));
  process.once('SIGTERM', () => leave(143, undefined));
  process.once('uncaughtException', (error) => leave(1, error));
  process.once('unhandledRejection', (error) => leave(1, error));
}
