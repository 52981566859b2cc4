import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ManagedProcess } from './managed-process';
import { pollUntil } from './poll-until';
import {
  askRedis,
  freePort,
  RedisServer,
  startRedisProcess,
  untilReplicasCaughtUp,
} from './redis-server';

/** Sentinels watching one master; two must agree it is down (quorum). */
const SENTINELS = 3;

/**
 * A master, its replica and three sentinels (`redis-server --sentinel`) on
 * free loopback ports, with fast failover: a master that stops answering is
 * declared down after a second and its replica promoted.
 */
export class SentinelSetup {
  private readonly dir = mkdtempSync(join(tmpdir(), 'nest-channels-sentinel-'));
  private sentinels: ManagedProcess[] = [];

  private constructor(
    readonly masterName: string,
    private readonly servers: RedisServer[],
    readonly sentinelPorts: number[],
  ) {}

  /** Starts it all; resolves once every sentinel knows the replica and the other sentinels. */
  static async start(masterName = 'channels'): Promise<SentinelSetup> {
    const master = await RedisServer.start();
    const replica = await RedisServer.start([
      '--replicaof',
      '127.0.0.1',
      String(master.port),
    ]);
    const ports = await Promise.all(
      Array.from({ length: SENTINELS }, () => freePort()),
    );
    const setup = new SentinelSetup(masterName, [master, replica], ports);
    const started = await Promise.allSettled(
      ports.map((port) => setup.startSentinel(port, master)),
    );
    setup.sentinels = started.flatMap((result) =>
      result.status === 'fulfilled' ? [result.value] : [],
    );
    const failed = started.find((result) => result.status === 'rejected');
    if (failed) {
      await setup.dispose();
      throw failed.reason;
    }
    await Promise.all(ports.map((port) => setup.untilSettled(port)));
    await pollUntil('replica in sync', async () => {
      const info = await askRedis(replica.port, (client) =>
        client.info('replication'),
      );
      return info.includes('master_link_status:up') ? true : undefined;
    });
    return setup;
  }

  /** The sentinels as `REDIS_URL` lists them. */
  get urls(): string[] {
    return this.sentinelPorts.map((port) => `redis://127.0.0.1:${port}`);
  }

  /** The app environment that points at it: `REDIS_MODE=sentinel`, the sentinels, the master name. */
  get env(): Record<string, string> {
    return {
      REDIS_MODE: 'sentinel',
      REDIS_URL: this.urls.join(','),
      REDIS_SENTINEL_MASTERS: this.masterName,
    };
  }

  /** The current master's port, as the first sentinel announces it. */
  async masterPort(): Promise<number> {
    const [, port] = (await askRedis(this.sentinelPorts[0], (client) =>
      client.call('SENTINEL', 'get-master-addr-by-name', this.masterName),
    )) as [string, string];
    return Number(port);
  }

  /** The server currently master. */
  async master(): Promise<RedisServer> {
    const port = await this.masterPort();
    return this.servers.find((server) => server.port === port) as RedisServer;
  }

  /**
   * Empties the replicas (FLUSHALL on a replica made writable), which
   * replication never does: the state of a replica that missed its master's
   * last writes (replication is asynchronous) when it is promoted.
   */
  async flushReplicas(): Promise<void> {
    const master = await this.masterPort();
    for (const server of this.servers.filter(({ port }) => port !== master)) {
      await askRedis(server.port, async (client) => {
        await client.config('SET', 'replica-read-only', 'no');
        await client.flushall();
      });
    }
  }

  /** Resolves once the replica has applied all the master has written so far. */
  async untilReplicaCaughtUp(): Promise<void> {
    const master = await this.masterPort();
    await untilReplicasCaughtUp(
      master,
      this.servers
        .filter((server) => server.running && server.port !== master)
        .map((server) => server.port),
    );
  }

  /** SIGKILLs the master; resolves with its port once it is gone. */
  async killMaster(): Promise<number> {
    const old = await this.master();
    await old.stop();
    return old.port;
  }

  /** Resolves with the new master's port once the sentinels have promoted a server other than `oldPort`. */
  untilPromoted(oldPort: number): Promise<number> {
    return pollUntil('replica promoted', async () => {
      const port = await this.masterPort();
      if (port === oldPort) {
        return undefined;
      }
      const role = await askRedis(port, (client) => client.call('ROLE'));
      return (role as string[])[0] === 'master' ? port : undefined;
    });
  }

  async dispose(): Promise<void> {
    await Promise.all(this.sentinels.map((sentinel) => sentinel.kill()));
    await Promise.all(this.servers.map((server) => server.dispose()));
    rmSync(this.dir, { recursive: true, force: true });
  }

  private startSentinel(
    port: number,
    master: RedisServer,
  ): Promise<ManagedProcess> {
    const config = join(this.dir, `sentinel-${port}.conf`);
    writeFileSync(
      config,
      [
        `port ${port}`,
        'bind 127.0.0.1',
        `dir ${this.dir}`,
        `sentinel monitor ${this.masterName} 127.0.0.1 ${master.port} 2`,
        `sentinel down-after-milliseconds ${this.masterName} 1000`,
        `sentinel failover-timeout ${this.masterName} 2000`,
        `sentinel parallel-syncs ${this.masterName} 1`,
        '',
      ].join('\n'),
    );
    return startRedisProcess(
      `sentinel:${port}`,
      [config, '--sentinel'],
      /Sentinel ID is/,
    );
  }

  /** Waits until the sentinel on `port` sees the replica in sync and the two other sentinels. */
  private untilSettled(port: number): Promise<void> {
    return pollUntil(`sentinel ${port} settled`, async () => {
      const info = (await askRedis(port, (client) =>
        client.call('SENTINEL', 'master', this.masterName),
      )) as string[];
      const field = (name: string): number =>
        Number(info[info.indexOf(name) + 1]);
      const settled =
        field('num-slaves') >= 1 &&
        field('num-other-sentinels') >= SENTINELS - 1;
      return settled ? true : undefined;
    }).then(() => undefined);
  }
}
