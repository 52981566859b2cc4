/** The signals `enableShutdownHooks` answers by closing the application. */
const SHUTDOWN_SIGNALS: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGINT'];

/**
 * Bounds a shutdown: once a shutdown signal arrives, the process exits with
 * status 1 after `timeoutMs` if closing has not finished (a Redis that hangs
 * would otherwise hold `disconnect` and `close` past Docker's 10 s stop
 * timeout, and the container would be killed without a word). The timer is
 * unref'd: a shutdown that finishes in time exits as usual.
 */
export function armShutdownDeadline(timeoutMs: number): void {
  const arm = (signal: NodeJS.Signals): void => {
    setTimeout(() => {
      process.stderr.write(
        `Shutdown deadline: still closing ${timeoutMs} ms after ${signal} (SHUTDOWN_TIMEOUT_MS); exiting now\n`,
      );
      process.exit(1);
    }, timeoutMs).unref();
  };
  for (const signal of SHUTDOWN_SIGNALS) {
    process.once(signal, arm);
  }
}
