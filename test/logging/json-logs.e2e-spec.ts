import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { withHistoryDefault } from '../helpers/history-mode';
import { ManagedProcess } from '../helpers/managed-process';
import { freePort } from '../helpers/redis-server';
import { WsClient } from '../helpers/ws-client';

const ROOT = join(__dirname, '..', '..');
/** How many refused handshakes the flood makes: far more than the log's burst of 20. */
const FLOOD = 100;

/** `node dist/main.js` with `env`, on a free loopback port. */
async function start(
  env: Record<string, string>,
): Promise<{ app: ManagedProcess; ws: string }> {
  const port = await freePort();
  const app = ManagedProcess.start('app', process.execPath, ['dist/main.js'], {
    cwd: ROOT,
    env: withHistoryDefault({ PORT: String(port), HOST: '127.0.0.1', ...env }),
  });
  return { app, ws: `ws://127.0.0.1:${port}` };
}

/** Each output line of `app`, parsed; fails on a line that is not a JSON object. */
function jsonLines(app: ManagedProcess): Array<Record<string, unknown>> {
  return app.output
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** True once `url` refuses the handshake (false while nothing listens yet). */
function refusedAt(url: string): Promise<boolean> {
  return WsClient.connect(url).then(
    () => false,
    (error: Error) => /refused with/.test(error.message),
  );
}

describe('LOG_FORMAT=json (e2e)', () => {
  let app: ManagedProcess | undefined;

  afterEach(async () => {
    await app?.kill();
  });

  it('should write one JSON object per line, and refused handshakes rate-limited with a summary', async () => {
    const started = await start({ LOG_FORMAT: 'json' });
    app = started.app;
    await app.waitForLine(/Chat on http:/);
    const refusals = await Promise.allSettled(
      Array.from({ length: FLOOD }, () =>
        WsClient.connect(`${started.ws}/ws/chat/lobby/`, {
          origin: 'http://evil.example',
        }),
      ),
    );
    expect(refusals.every(({ status }) => status === 'rejected')).toBe(true);
    await app.waitForLine(/suppressed \d+ handshake_refused lines/);

    const lines = jsonLines(app);
    for (const line of lines) {
      expect(line).toMatchObject({
        time: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/) as string,
        level: expect.any(String) as string,
        message: expect.any(String) as string,
      });
    }
    expect(lines).toContainEqual(
      expect.objectContaining({ level: 'log', context: 'Bootstrap' }),
    );
    const refused = lines.filter(
      ({ message }) => message === 'handshake refused: Origin not allowed',
    );
    expect(refused[0]).toMatchObject({
      level: 'warn',
      context: 'Connections',
      outcome: 'origin',
      status: 403,
      path: '/ws/chat/lobby/',
    });
    const summary = lines.find(({ kind, suppressed }) =>
      Boolean(kind === 'handshake_refused' && suppressed),
    );
    expect(refused.length).toBeGreaterThanOrEqual(20);
    expect(refused.length + Number(summary?.suppressed)).toBe(FLOOD);
  });

  it('should print only what LOG_LEVEL lets through', async () => {
    const started = await start({ LOG_FORMAT: 'json', LOG_LEVEL: 'warn' });
    app = started.app;
    // No startup line at this level: knock until the port answers (20 s at most).
    const deadline = Date.now() + 20_000;
    while (!(await refusedAt(`${started.ws}/ws/nowhere/`))) {
      expect(Date.now()).toBeLessThan(deadline);
      await delay(50);
    }
    await app.waitForLine(/handshake refused/);
    expect(jsonLines(app).map(({ level }) => level)).toEqual(['warn']);
  });
});
