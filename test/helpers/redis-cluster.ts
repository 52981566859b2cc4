import { Redis } from 'ioredis';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { pollUntil } from './poll-until';
import { RedisServer } from './redis-server';

const run = promisify(execFile);

/** A slot range of `CLUSTER SLOTS`: from, to, then the master and its replicas as [host, port, id]. */
type SlotRange = [number, number, ...Array<[string, number, string]>];

/**
 * A Redis Cluster of the test's own on free loopback ports: `masters`
 * masters, each with `replicas` replicas, created with
 * `redis-cli --cluster create`. A master that stops answering is failed
 * over after about a second (`cluster-node-timeout 1000`).
 */
export class RedisClusterSetup {
  private constructor(private readonly servers: RedisServer[]) {}

  /** Starts the nodes and creates the cluster; resolves once every node sees all slots served. */
  static async start(masters = 3, replicas = 0): Promise<RedisClusterSetup> {
    const servers = await Promise.all(
      Array.from({ length: masters * (1 + replicas) }, () =>
        RedisServer.start([
          '--cluster-enabled',
          'yes',
          '--cluster-config-file',
          'nodes.conf',
          '--cluster-node-timeout',
          '1000',
        ]),
      ),
    );
    const setup = new RedisClusterSetup(servers);
    try {
      await run('redis-cli', [
        '--cluster',
        'create',
        ...servers.map((server) => `127.0.0.1:${server.port}`),
        '--cluster-replicas',
        String(replicas),
        '--cluster-yes',
      ]);
      await Promise.all(servers.map((server) => setup.untilHealthy(server)));
    } catch (error) {
      await setup.dispose();
      throw error;
    }
    return setup;
  }

  /** The seed nodes, as `REDIS_URL` lists them. */
  get urls(): string[] {
    return this.servers.map((server) => server.url);
  }

  /** The port of the master serving `key`'s slot. */
  async masterOf(key: string): Promise<number> {
    return this.ask(this.live()[0], async (client) => {
      const slot = Number(await client.call('CLUSTER', 'KEYSLOT', key));
      const ranges = (await client.call('CLUSTER', 'SLOTS')) as SlotRange[];
      const range = ranges.find(([from, to]) => slot >= from && slot <= to);
      return Number(range?.[2]?.[1]);
    });
  }

  /** SIGKILLs the master serving `key`; resolves with its port once it is gone. */
  async killMasterOf(key: string): Promise<number> {
    const port = await this.masterOf(key);
    await this.server(port).stop();
    return port;
  }

  /** Resolves once another node serves `key`'s slot and every live node reports the cluster healthy. */
  async untilPromoted(key: string, oldPort: number): Promise<number> {
    const port = await pollUntil('replica promoted', async () => {
      const now = await this.masterOf(key);
      return now === oldPort ? undefined : now;
    });
    await Promise.all(this.live().map((server) => this.untilHealthy(server)));
    return port;
  }

  /** One command on a short-lived connection to the node on `port`. */
  async ask<T>(
    server: RedisServer | number,
    call: (client: Redis) => Promise<T>,
  ): Promise<T> {
    const port = typeof server === 'number' ? server : server.port;
    const client = new Redis(port, '127.0.0.1', {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    client.on('error', () => undefined);
    try {
      await client.connect();
      return await call(client);
    } finally {
      client.disconnect();
    }
  }

  async dispose(): Promise<void> {
    await Promise.all(this.servers.map((server) => server.dispose()));
  }

  /** The node on `port`. */
  server(port: number): RedisServer {
    return this.servers.find((server) => server.port === port) as RedisServer;
  }

  /** The nodes still running. */
  live(): RedisServer[] {
    return this.servers.filter((server) => server.running);
  }

  /**
   * Waits until `server` reports every slot served and the cluster ok, and,
   * for a replica, its link to its master up: a replica that never synced
   * is too stale to be promoted.
   */
  private untilHealthy(server: RedisServer): Promise<true> {
    return pollUntil(`cluster healthy at ${server.port}`, async () => {
      const [cluster, replication] = await this.ask(server, (client) =>
        Promise.all([
          client.call('CLUSTER', 'INFO'),
          client.info('replication'),
        ]),
      );
      const healthy =
        /cluster_state:ok/.test(String(cluster)) &&
        /cluster_slots_ok:16384/.test(String(cluster)) &&
        (/role:master/.test(replication) ||
          /master_link_status:up/.test(replication));
      return healthy ? true : undefined;
    });
  }
}
