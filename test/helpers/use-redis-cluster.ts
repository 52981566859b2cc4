import { RedisClusterSetup } from './redis-cluster';

/** The suite's Redis Cluster of its own, started before its tests and disposed after them. */
export interface ClusterHolder {
  readonly cluster: RedisClusterSetup;
}

/**
 * Starts a Redis Cluster (`masters`, each with `replicas`, every node with
 * the further `redis-server` options `args`) once for the suite and stops it
 * afterwards. The object fills in the hook.
 */
export function useRedisCluster(
  masters: number,
  replicas = 0,
  args: readonly string[] = [],
): ClusterHolder {
  const state = {} as { cluster: RedisClusterSetup };
  beforeAll(async () => {
    state.cluster = await RedisClusterSetup.start(masters, replicas, args);
  }, 30_000);
  afterAll(async () => {
    await state.cluster.dispose();
  });
  return state;
}
