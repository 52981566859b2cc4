import { Redis } from 'ioredis';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManagedProcess } from './managed-process';
import { pollUntil } from './poll-until';

/** How many ports `RedisServer.start` tries when the one it got is taken meanwhile. */
const PORT_ATTEMPTS = 5;

/** What `redis-server` prints when its port (or Cluster bus port) is taken. */
const ADDRESS_IN_USE = /Address already in use/;

/** A free TCP port on loopback, as the OS hands one out. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        resolve(typeof address === 'object' && address ? address.port : 0),
      );
    });
  });
}

/**
 * Starts `redis-server` (a server or, with `--sentinel`, a sentinel) with
 * `args`, for `afterAll` to kill; resolves once it printed `ready`.
 */
export async function startRedisProcess(
  name: string,
  args: readonly string[],
  ready: RegExp,
): Promise<ManagedProcess> {
  const child = ManagedProcess.start(name, 'redis-server', args);
  try {
    await child.waitForLine(ready);
  } catch (error) {
    await child.kill();
    throw error;
  }
  return child;
}

/** One call on a short-lived connection to the server or sentinel on `port`. */
export async function askRedis<T>(
  port: number,
  call: (client: Redis) => Promise<T>,
): Promise<T> {
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
    // QUIT: Redis closes the connection itself. disconnect() would arm
    // ioredis' 2 s destroy timer, which holds jest at the end of a run.
    await client.quit().catch(() => client.disconnect());
  }
}

/**
 * A `redis-server` of the test's own on a free loopback port, without
 * persistence, that a test can stop and start again on the same port.
 */
export class RedisServer {
  private process?: ManagedProcess;
  private readonly dir = mkdtempSync(join(tmpdir(), 'nest-channels-redis-'));

  /**
   * @param args more `redis-server` arguments (`--cluster-enabled yes`,
   *   `--replicaof host port`).
   */
  private constructor(
    readonly port: number,
    private readonly args: readonly string[] = [],
  ) {}

  /** A server on a free port, not started yet (`restart` starts it). */
  static async reserve(): Promise<RedisServer> {
    return new RedisServer(await freePort());
  }

  /**
   * Starts a server on a free port and waits until it accepts connections.
   * `freePort` can only say a port was free when it asked: another process
   * may bind it (or, for a Cluster node, its bus port + 10000) first, and
   * then the server starts again on another one.
   */
  static async start(args: readonly string[] = []): Promise<RedisServer> {
    for (let attempt = 1; ; attempt++) {
      const server = new RedisServer(await freePort(), args);
      try {
        await server.restart();
        return server;
      } catch (error) {
        await server.dispose();
        if (attempt >= PORT_ATTEMPTS || !ADDRESS_IN_USE.test(String(error))) {
          throw error;
        }
      }
    }
  }

  /** The directory the server runs in (and writes `nodes.conf` to). */
  get directory(): string {
    return this.dir;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts the server (again) on its port; resolves once it is ready. */
  async restart(): Promise<void> {
    this.process = await startRedisProcess(
      `redis:${this.port}`,
      [
        '--port',
        String(this.port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--dir',
        this.dir,
        '--loglevel',
        'notice',
        '--logfile',
        '',
        ...this.args,
      ],
      /Ready to accept connections/,
    );
  }

  /**
   * Freezes the server (SIGSTOP): connections stay open and nothing is
   * answered, as in a partition or a stuck failover, until `thaw()`.
   */
  freeze(): void {
    this.process?.signal('SIGSTOP');
  }

  /** Lets a frozen server go on (SIGCONT). */
  thaw(): void {
    this.process?.signal('SIGCONT');
  }

  /** Whether the server's process is running. */
  get running(): boolean {
    return this.process?.running ?? false;
  }

  /** Stops the server (SIGKILL) and waits for the process to exit. */
  async stop(): Promise<void> {
    const child = this.process;
    this.process = undefined;
    await child?.kill();
  }

  /** Stops the server for good and removes its directory. */
  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * Resolves once each replica on `replicas` has applied everything the master
 * on `master` had written when called. Replication is asynchronous: on a busy
 * machine a replica can lag long enough to miss a master's last writes, and
 * a test that kills the master must say whether its promoted replica holds
 * them (test/ha/membership-restore is the test where it does not).
 */
export async function untilReplicasCaughtUp(
  master: number,
  replicas: number[],
): Promise<void> {
  const written = replicationOffset(
    await askRedis(master, (client) => client.info('replication')),
    'master_repl_offset',
  );
  await pollUntil(
    `replicas ${replicas.join(', ')} at master ${master}'s offset ${written}`,
    async () => {
      const applied = await Promise.all(
        replicas.map(async (port) =>
          replicationOffset(
            await askRedis(port, (client) => client.info('replication')),
            'slave_repl_offset',
          ),
        ),
      );
      return applied.every((offset) => offset >= written) ? true : undefined;
    },
  );
}

/** A replication offset field of `INFO replication`. */
function replicationOffset(info: string, field: string): number {
  const match = new RegExp(`^${field}:(\\d+)`, 'm').exec(info);
  if (!match) {
    throw new Error(`no ${field} in INFO replication:\n${info}`);
  }
  return Number(match[1]);
}
