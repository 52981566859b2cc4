import { join } from 'node:path';
import { withHistoryDefault } from './history-mode';
import { ManagedProcess } from './managed-process';
import { productionNodeArgs } from './production-command';
import { RedisServer, freePort } from './redis-server';

const ROOT = join(__dirname, '..', '..');
/** The balancer configuration docker/compose.yaml uses, unchanged. */
export const HAPROXY_CONFIG = join(ROOT, 'docker', 'haproxy.cfg');
/** Debian's HAProxy, as .ci/run installs it. */
export const HAPROXY_PATH = process.env.HAPROXY_PATH ?? '/usr/sbin/haproxy';

/** The Redis a topology's app processes share, and how it is stopped. */
export interface TopologyRedis {
  /** The app environment that points at it (`REDIS_URL`, `REDIS_MODE`, …). */
  readonly env: Record<string, string>;
  dispose(): Promise<void>;
}

/** One `redis-server`, as docker/compose.yaml runs it. */
async function standaloneRedis(): Promise<TopologyRedis> {
  const server = await RedisServer.start();
  return { env: { REDIS_URL: server.url }, dispose: () => server.dispose() };
}

/** One app process, named as its `server` line in docker/haproxy.cfg. */
export interface AppInstance {
  readonly name: string;
  readonly port: number;
  process: ManagedProcess;
}

/**
 * docker/compose.yaml without containers, on loopback: a `redis-server` (or
 * what `startRedis` starts, as docker/compose.sentinel.yaml's Sentinel), two
 * app processes started as the image starts them (`node dist/main.js`, from
 * the build), and Debian's HAProxy with docker/haproxy.cfg, its addresses
 * given through the environment variables the file reads.
 */
export class Topology {
  private constructor(
    readonly redis: TopologyRedis,
    readonly instances: readonly AppInstance[],
    readonly balancer: ManagedProcess,
    private readonly balancerPort: number,
    private readonly env: Record<string, string>,
  ) {}

  /** The balancer's base URL, as a browser would use it. */
  get http(): string {
    return `http://127.0.0.1:${this.balancerPort}`;
  }

  /** The balancer's base WebSocket URL. */
  get ws(): string {
    return `ws://127.0.0.1:${this.balancerPort}`;
  }

  /**
   * Starts everything and resolves once the balancer accepts connections;
   * `env` adds to (or overrides) both app processes' environment.
   */
  static async start(
    env: Record<string, string> = {},
    startRedis: () => Promise<TopologyRedis> = standaloneRedis,
  ): Promise<Topology> {
    const redis = await startRedis();
    const instances: AppInstance[] = [];
    let balancer: ManagedProcess | undefined;
    try {
      for (const name of ['app1', 'app2']) {
        const port = await freePort();
        instances.push({
          name,
          port,
          process: startApp(name, port, { ...redis.env, ...env }),
        });
      }
      await Promise.all(
        instances.map(({ process }) => process.waitForLine(/Chat on http:/)),
      );
      const balancerPort = await freePort();
      balancer = ManagedProcess.start(
        'haproxy',
        HAPROXY_PATH,
        ['-W', '-db', '-f', HAPROXY_CONFIG],
        {
          env: {
            LB_BIND: `127.0.0.1:${balancerPort}`,
            APP1_ADDR: `127.0.0.1:${instances[0].port}`,
            APP2_ADDR: `127.0.0.1:${instances[1].port}`,
          },
        },
      );
      // Printed by the master once its worker has bound the port.
      await balancer.waitForLine(/Loading success/);
      return new Topology(redis, instances, balancer, balancerPort, env);
    } catch (error) {
      await Promise.all([
        ...instances.map(({ process }) => process.kill()),
        balancer?.kill(),
      ]);
      await redis.dispose();
      throw error;
    }
  }

  /** The instance named `name` (`app1`, `app2`). */
  instance(name: string): AppInstance {
    const found = this.instances.find((instance) => instance.name === name);
    if (!found) {
      throw new Error(`no instance ${name}`);
    }
    return found;
  }

  /**
   * A deploy of one replica: SIGTERM, a new process on the same port once it
   * exited, ready once it listens and, if the balancer's health check took it
   * out of rotation meanwhile, once the check has put it back.
   */
  async restart(name: string): Promise<void> {
    const instance = this.instance(name);
    const mark = this.balancer.lineCount;
    await instance.process.stop('SIGTERM');
    instance.process = startApp(name, instance.port, {
      ...this.redis.env,
      ...this.env,
    });
    await instance.process.waitForLine(/Chat on http:/);
    const down = new RegExp(`Server app/${name} is DOWN`);
    if (
      this.balancer.output
        .split('\n')
        .slice(mark)
        .some((line) => down.test(line))
    ) {
      await this.balancer.waitForLine(
        new RegExp(`Server app/${name} is UP`),
        mark,
      );
    }
  }

  /** Stops every process, forcefully: for `afterAll`, whatever happened. */
  async stop(): Promise<void> {
    await Promise.all([
      this.balancer.kill(),
      ...this.instances.map(({ process }) => process.kill()),
    ]);
    await this.redis.dispose();
  }
}

/** The app as docker/Dockerfile's CMD runs it (`start:prod`), on loopback. */
function startApp(
  name: string,
  port: number,
  env: Record<string, string>,
): ManagedProcess {
  return ManagedProcess.start(
    name,
    process.execPath,
    productionNodeArgs(ROOT),
    {
      cwd: ROOT,
      env: withHistoryDefault({
        NODE_ENV: 'production',
        NO_COLOR: '1',
        PORT: String(port),
        HOST: '127.0.0.1',
        CHANNEL_LAYER: 'redis-pubsub',
        // HAProxy runs on loopback here: its X-Forwarded-For names the client.
        TRUST_PROXY: 'loopback',
        ...env,
      }),
    },
  );
}
