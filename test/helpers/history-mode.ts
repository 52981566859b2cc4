/**
 * The room history every app the helpers start has unless its test sets
 * `CHAT_HISTORY_SIZE` itself: `E2E_CHAT_HISTORY_SIZE`, which `npm run
 * test:e2e:history` sets to run the suites a second time with history on
 * (issue 16: every test passes with history off and on). Unset: `0`, off.
 */
export const E2E_HISTORY_SIZE = process.env.E2E_CHAT_HISTORY_SIZE ?? '0';

/** `env` with the pass's `CHAT_HISTORY_SIZE` unless `env` sets its own. */
export function withHistoryDefault(
  env: Record<string, string>,
): Record<string, string> {
  return { CHAT_HISTORY_SIZE: E2E_HISTORY_SIZE, ...env };
}

/**
 * A chat frame as a client receives it from an app the helpers started:
 * `{message}` with history off, `{message, id}` with it on (README: Room
 * history). `historySize` is the app's `CHAT_HISTORY_SIZE` when its test
 * sets one.
 */
export function chatFrame(
  message: string,
  historySize = E2E_HISTORY_SIZE,
): object {
  return Number(historySize) > 0
    ? { message, id: expect.any(String) }
    : { message };
}
