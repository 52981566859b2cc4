import { createApp, type TestApp } from './create-app';
import type { RedisClusterSetup } from './redis-cluster';
import { useRedisCluster } from './use-redis-cluster';

/** Two app instances on one Redis Cluster of the suite's own. */
export interface ClusterApps {
  readonly cluster: RedisClusterSetup;
  readonly apps: [TestApp, TestApp];
}

/**
 * Starts a Redis Cluster (`masters`, each with `replicas`) and two instances
 * of the app on it (`CHANNEL_LAYER=backend`, chat limits raised, plus `env`)
 * once for the suite, and stops them afterwards. The object fills in the hook.
 */
export function useClusterApps(
  backend: string,
  masters: number,
  replicas = 0,
  env: Record<string, string> = {},
): ClusterApps {
  const state = {} as { apps: [TestApp, TestApp] };
  // jest runs afterAll hooks in the order they are declared: the apps close
  // before their Cluster stops, and start after it.
  afterAll(async () => {
    await Promise.all(state.apps.map((app) => app.app.close()));
  });
  const redis = useRedisCluster(masters, replicas);
  beforeAll(async () => {
    const appEnv = {
      CHANNEL_LAYER: backend,
      REDIS_MODE: 'cluster',
      REDIS_URL: redis.cluster.urls.join(','),
      CHAT_RATE_LIMIT: '1000',
      CHAT_RATE_BURST: '1000',
      ...env,
    };
    state.apps = [await createApp(appEnv), await createApp(appEnv)];
  });
  return {
    get cluster() {
      return redis.cluster;
    },
    get apps() {
      return state.apps;
    },
  };
}
