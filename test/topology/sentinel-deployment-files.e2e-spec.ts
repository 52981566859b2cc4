import { parseAppConfig } from '../../src/config/app.config';
import {
  readCompose,
  readSentinelConfig,
  sentinelMonitor,
  variablesReadBy,
  type ComposeService,
} from '../helpers/deployment-files';

const FILE = 'compose.sentinel.yaml';

/** The services of `file` built from docker/Dockerfile: the app's replicas. */
function appServices(file: string): [string, ComposeService][] {
  return Object.entries(readCompose(file).services).filter(
    ([, service]) => service.build?.dockerfile === 'docker/Dockerfile',
  );
}

/** The services that run docker/sentinel.conf: the sentinels. */
function sentinelServices(): [string, ComposeService][] {
  return Object.entries(readCompose(FILE).services).filter(([, service]) =>
    service.volumes?.some((volume) => volume.startsWith('./sentinel.conf:')),
  );
}

// docker/compose.sentinel.yaml cannot run here (no Docker daemon), so it is
// checked against docker/sentinel.conf, the app, and docker/compose.yaml.
describe('docker/compose.sentinel.yaml and docker/sentinel.conf', () => {
  it('should point both replicas at the sentinels, for the master they monitor, with variables the app reads and accepts', () => {
    const replicas = appServices(FILE);
    expect(replicas.map(([name]) => name)).toEqual(['app1', 'app2']);
    const sentinels = sentinelServices().map(([name]) => name);
    const [, port] = readSentinelConfig().find(([key]) => key === 'port') ?? [];
    for (const [, service] of replicas) {
      const env = service.environment ?? {};
      const known = variablesReadBy(parseAppConfig, env);
      for (const name of Object.keys(env)) {
        expect(known).toContain(name);
      }
      const { channelLayer } = parseAppConfig(env);
      expect(channelLayer).toMatchObject({
        backend: 'redis-pubsub',
        mode: 'sentinel',
        masterNames: [sentinelMonitor().name],
      });
      const hosts = 'hosts' in channelLayer ? channelLayer.hosts : [];
      expect(hosts.map((host) => new URL(host).hostname)).toEqual(sentinels);
      expect(hosts.map((host) => new URL(host).port)).toEqual(
        sentinels.map(() => port),
      );
      for (const sentinel of sentinels) {
        expect(service.depends_on?.[sentinel]).toEqual({
          condition: 'service_healthy',
        });
      }
    }
  });

  it('should differ from compose.yaml’s replicas only in where Redis is', () => {
    const redisVariables = [
      'REDIS_MODE',
      'REDIS_URL',
      'REDIS_SENTINEL_MASTERS',
    ];
    const without = (env: Record<string, string> = {}): object =>
      Object.fromEntries(
        Object.entries(env).filter(([name]) => !redisVariables.includes(name)),
      );
    const [[, plain]] = appServices('compose.yaml');
    for (const [, service] of appServices(FILE)) {
      expect(without(service.environment)).toEqual(without(plain.environment));
      expect({ ...service, environment: {}, depends_on: {} }).toEqual({
        ...plain,
        environment: {},
        depends_on: {},
      });
    }
  });

  it('should run three sentinels that need a majority to fail over a master that has a replica', () => {
    const sentinels = sentinelServices();
    expect(sentinels).toHaveLength(3);
    const { host, port, quorum } = sentinelMonitor();
    expect(quorum).toBeGreaterThan(sentinels.length / 2);
    expect(quorum).toBeLessThanOrEqual(sentinels.length);
    const services = readCompose(FILE).services;
    expect(services[host]?.image).toBe('redis:7');
    const replicas = Object.values(services).filter((service) =>
      service.command?.join(' ').includes(`--replicaof ${host} ${port}`),
    );
    expect(replicas).toHaveLength(1);
    // Sentinel rewrites its file: each copies the read-only mount first.
    for (const [, sentinel] of sentinels) {
      const mount = sentinel.volumes?.[0].split(':')[1];
      expect(sentinel.command?.join(' ')).toMatch(
        new RegExp(`cp ${mount} (\\S+) && exec redis-server \\1 --sentinel`),
      );
    }
    // Containers are reached by name: the sentinels resolve and announce names.
    expect(readSentinelConfig()).toEqual(
      expect.arrayContaining([
        ['sentinel', 'resolve-hostnames', 'yes'],
        ['sentinel', 'announce-hostnames', 'yes'],
      ]),
    );
  });

  it('should put the same balancer in front as compose.yaml', () => {
    expect(readCompose(FILE).services.lb).toEqual(
      readCompose('compose.yaml').services.lb,
    );
  });
});
