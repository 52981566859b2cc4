import type { Redis } from 'ioredis';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { pollUntil } from './poll-until';
import { askRedis, RedisServer, untilReplicasCaughtUp } from './redis-server';

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
  private constructor(
    private readonly servers: RedisServer[],
    private readonly args: readonly string[],
  ) {}

  /** Starts a node of this cluster's kind, not yet part of any cluster. */
  private static startNode(args: readonly string[]): Promise<RedisServer> {
    return RedisServer.start([
      '--cluster-enabled',
      'yes',
      '--cluster-config-file',
      'nodes.conf',
      '--cluster-node-timeout',
      '1000',
      ...args,
    ]);
  }

  /**
   * Starts the nodes and creates the cluster; resolves once every node sees all slots served.
   * @param args further `redis-server` options for every node.
   */
  static async start(
    masters = 3,
    replicas = 0,
    args: readonly string[] = [],
  ): Promise<RedisClusterSetup> {
    const servers = await Promise.all(
      Array.from({ length: masters * (1 + replicas) }, () =>
        RedisClusterSetup.startNode(args),
      ),
    );
    const setup = new RedisClusterSetup(servers, args);
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

  /**
   * Adds a master that serves no slot yet (`redis-cli --cluster add-node`,
   * as a scale-out begins); resolves with its port once every node knows it and
   * it sees the cluster healthy.
   */
  async addMaster(): Promise<number> {
    const server = await RedisClusterSetup.startNode(this.args);
    this.servers.push(server);
    await run('redis-cli', [
      '--cluster',
      'add-node',
      `127.0.0.1:${server.port}`,
      `127.0.0.1:${this.live()[0].port}`,
    ]);
    await pollUntil('new master known to all', async () => {
      const views = await Promise.all(
        this.live().map((node) =>
          this.ask(node, (client) => client.call('CLUSTER', 'NODES')),
        ),
      );
      const known = views.every(
        (view) =>
          String(view).includes(`:${server.port}@`) &&
          !/fail|handshake/.test(String(view)),
      );
      return known ? true : undefined;
    });
    await this.untilHealthy(server);
    return server.port;
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

  /**
   * Empties every replica of `key`'s master (FLUSHALL on a replica made
   * writable), which replication never does: the state of a replica that
   * missed its master's last writes (replication is asynchronous) when it
   * is promoted.
   */
  async flushReplicasOf(key: string): Promise<void> {
    const replicas = await this.replicasOf(await this.masterOf(key));
    for (const port of replicas) {
      await this.ask(port, async (client) => {
        await client.config('SET', 'replica-read-only', 'no');
        await client.flushall();
      });
    }
  }

  /** Resolves once the replicas of `key`'s master have applied all it has written so far. */
  async untilReplicasCaughtUp(key: string): Promise<void> {
    const master = await this.masterOf(key);
    await untilReplicasCaughtUp(master, await this.replicasOf(master));
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
    await this.untilAllHealthy();
    return port;
  }

  /**
   * Moves `key`'s slot, with its keys, to another master, as
   * `redis-cli --cluster reshard` moves a slot: the target IMPORTING, the
   * source MIGRATING, MIGRATE of every key in the slot, then SETSLOT NODE on
   * the target, the source and the other masters. `between` runs after the
   * first two, for a test to chat while the slot is half moved. The target
   * is the master on `to` (one `addMaster` added, say), or another one.
   * Resolves with the target's port once every node agrees on the slot's
   * new owner.
   */
  async migrateSlotOf(
    key: string,
    between: (step: string) => Promise<void>,
    to?: number,
  ): Promise<number> {
    const slot = await this.ask(this.live()[0], async (client) =>
      Number(await client.call('CLUSTER', 'KEYSLOT', key)),
    );
    const masters = await this.masters();
    if (to !== undefined && !masters.some(({ port }) => port === to)) {
      const id = await this.ask(to, (client) => client.call('CLUSTER', 'MYID'));
      masters.push({ port: to, id: String(id), slots: new Set() });
    }
    const source = masters.find(({ slots }) => slots.has(slot));
    const target = masters.find(
      (master) => master !== source && (to === undefined || master.port === to),
    );
    if (!source || !target) {
      throw new Error(`no master to move slot ${slot} to`);
    }
    const setSlot = (port: number, ...state: string[]): Promise<unknown> =>
      this.ask(port, (client) =>
        client.call('CLUSTER', 'SETSLOT', String(slot), ...state),
      );
    await setSlot(target.port, 'IMPORTING', source.id);
    await setSlot(source.port, 'MIGRATING', target.id);
    await between('migrating');
    await this.ask(source.port, async (client) => {
      for (;;) {
        const keys = (await client.call(
          'CLUSTER',
          'GETKEYSINSLOT',
          String(slot),
          '100',
        )) as string[];
        if (keys.length === 0) {
          return;
        }
        await client.call(
          'MIGRATE',
          '127.0.0.1',
          String(target.port),
          '',
          '0',
          '5000',
          'KEYS',
          ...keys,
        );
      }
    });
    await between('keys moved');
    for (const master of [
      target,
      source,
      ...masters.filter((one) => one !== source && one !== target),
    ]) {
      await setSlot(master.port, 'NODE', target.id);
    }
    await pollUntil('slot moved everywhere', async () => {
      const owners = await Promise.all(
        this.live().map((server) =>
          this.ask(server, (client) => client.call('CLUSTER', 'SLOTS')),
        ),
      );
      const moved = owners.every((ranges) =>
        (ranges as SlotRange[]).some(
          ([from, to, owner]) =>
            slot >= from && slot <= to && owner?.[1] === target.port,
        ),
      );
      return moved ? true : undefined;
    });
    return target.port;
  }

  /** Resolves once `count` connections have SSUBSCRIBEd `channel` on the node on `port`. */
  untilShardSubscribed(
    port: number,
    channel: string,
    count: number,
  ): Promise<true> {
    return pollUntil(`${count} subscribers of ${channel}`, async () => {
      const [, subscribers] = (await this.ask(port, (client) =>
        client.call('PUBSUB', 'SHARDNUMSUB', channel),
      )) as [string, number];
      return subscribers === count ? true : undefined;
    });
  }

  /** One command on a short-lived connection to the node on `port`. */
  ask<T>(
    server: RedisServer | number,
    call: (client: Redis) => Promise<T>,
  ): Promise<T> {
    return askRedis(typeof server === 'number' ? server : server.port, call);
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

  /** The ports of the replicas of the master on `master`. */
  private replicasOf(master: number): Promise<number[]> {
    return this.ask(master, async (client) => {
      const id = String(await client.call('CLUSTER', 'MYID'));
      const lines = (await client.call('CLUSTER', 'REPLICAS', id)) as string[];
      // `<id> <host>:<port>@<bus port> slave <master id> …`
      return lines.map((line) => Number(/:(\d+)@/.exec(line)?.[1]));
    });
  }

  /**
   * Resolves once every live node reports every slot served and the cluster
   * ok (a master that hung is no longer marked failed).
   */
  async untilAllHealthy(): Promise<void> {
    await Promise.all(this.live().map((server) => this.untilHealthy(server)));
  }

  /** Every master's port. */
  async masterPorts(): Promise<number[]> {
    return (await this.masters()).map(({ port }) => port);
  }

  /** Every master's port, node id and slots, as `CLUSTER SLOTS` tells them. */
  private async masters(): Promise<
    Array<{ port: number; id: string; slots: Set<number> }>
  > {
    const ranges = (await this.ask(this.live()[0], (client) =>
      client.call('CLUSTER', 'SLOTS'),
    )) as SlotRange[];
    const byPort = new Map<
      number,
      { port: number; id: string; slots: Set<number> }
    >();
    for (const [from, to, [, port, id]] of ranges) {
      const master = byPort.get(port) ?? { port, id, slots: new Set() };
      for (let slot = from; slot <= to; slot++) {
        master.slots.add(slot);
      }
      byPort.set(port, master);
    }
    return [...byPort.values()];
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
