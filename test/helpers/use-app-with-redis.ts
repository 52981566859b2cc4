import { createApp, type TestApp } from './create-app';
import { RedisServer } from './redis-server';

/** The suite's app and the `redis-server` of its own that its layer uses. */
export interface AppWithRedis {
  readonly redis: RedisServer;
  readonly app: TestApp;
}

/**
 * Starts a `redis-server` and the app on it (`CHANNEL_LAYER=backend`, plus
 * `env`) before each test (`each`) or once for the suite, and stops both
 * afterwards, thawing a Redis a test left frozen. The object fills in the hook.
 */
export function useAppWithRedis(
  backend: string,
  env: Record<string, string> = {},
  each = false,
): AppWithRedis {
  const state = {} as { redis: RedisServer; app: TestApp };
  (each ? beforeEach : beforeAll)(async () => {
    state.redis = await RedisServer.start();
    state.app = await createApp({
      CHANNEL_LAYER: backend,
      REDIS_URL: state.redis.url,
      ...env,
    });
  });
  (each ? afterEach : afterAll)(async () => {
    state.redis.thaw();
    await state.app.app.close();
    await state.redis.dispose();
  });
  return state;
}
