import { join } from 'node:path';
import { withHistoryDefault } from '../helpers/history-mode';
import { ManagedProcess } from '../helpers/managed-process';
import { RedisServer, freePort } from '../helpers/redis-server';
import { WsClient } from '../helpers/ws-client';

const ROOT = join(__dirname, '..', '..');

// README: Security. A SIGTERM while Redis hangs must not outlast SHUTDOWN_TIMEOUT_MS.
describe('Shutdown deadline (e2e, dist/main.js)', () => {
  let redis: RedisServer;
  let app: ManagedProcess | undefined;

  beforeAll(async () => {
    redis = await RedisServer.start();
  });

  afterAll(async () => {
    await app?.kill();
    redis.thaw();
    await redis.dispose();
  });

  it('should exit once SHUTDOWN_TIMEOUT_MS has passed when Redis hangs', async () => {
    const port = await freePort();
    app = ManagedProcess.start('app', process.execPath, ['dist/main.js'], {
      cwd: ROOT,
      env: withHistoryDefault({
        NO_COLOR: '1',
        PORT: String(port),
        HOST: '127.0.0.1',
        CHANNEL_LAYER: 'redis',
        REDIS_URL: redis.url,
        SHUTDOWN_TIMEOUT_MS: '1000',
      }),
    });
    await app.waitForLine(/Chat on http:/);
    // A member to take out of its group on shutdown: that call hangs.
    const client = await WsClient.connect(
      `ws://127.0.0.1:${port}/ws/chat/lobby/`,
    );
    redis.freeze();

    const exit = await app.stop('SIGTERM');
    await client.closed;
    expect(exit).toEqual({ code: 1, signal: null });
    expect(app.output).toMatch(
      /Shutdown deadline: still closing 1000 ms after SIGTERM/,
    );
  });
});
