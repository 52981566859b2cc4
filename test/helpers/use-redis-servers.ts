import { RedisServer } from './redis-server';

/**
 * `count` servers of the suite's own, started before its tests and disposed
 * after them; the array fills in `beforeAll`.
 */
export function useRedisServers(count: number): RedisServer[] {
  const servers: RedisServer[] = [];
  beforeAll(async () => {
    servers.push(
      ...(await Promise.all(
        Array.from({ length: count }, () => RedisServer.start()),
      )),
    );
  });
  afterAll(async () => {
    await Promise.all(servers.map((server) => server.dispose()));
  });
  return servers;
}
