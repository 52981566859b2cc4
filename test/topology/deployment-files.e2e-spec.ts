import { PATH_METADATA } from '@nestjs/common/constants';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseAppConfig } from '../../src/config/app.config';
import { HealthController } from '../../src/health/health.controller';
import {
  ROOT,
  haproxyVariable,
  readCompose,
  readDockerfile,
  readHaproxyConfig,
  variablesReadBy,
  type ComposeService,
} from '../helpers/deployment-files';
import { HAPROXY_PATH } from '../helpers/topology';

/** The paths HealthController serves, with their leading slash. */
const HEALTH_PATHS = (['health', 'ready'] as const).map(
  (method) =>
    `/${Reflect.getMetadata(PATH_METADATA, HealthController.prototype[method]) as string}`,
);

/** The services built from docker/Dockerfile: the app's replicas. */
function appServices(): [string, ComposeService][] {
  return Object.entries(readCompose().services).filter(
    ([, service]) => service.build?.dockerfile === 'docker/Dockerfile',
  );
}

/** The one argument list of the balancer config's lines starting with `prefix`. */
function haproxyLines(prefix: string): string[][] {
  return readHaproxyConfig()
    .filter((line) => line.startsWith(`${prefix} `))
    .map((line) => line.slice(prefix.length + 1).split(/\s+/));
}

/** The arguments of the Dockerfile's instructions named `keyword`. */
function dockerArgs(keyword: string): string[] {
  return readDockerfile()
    .filter((instruction) => instruction.keyword === keyword)
    .map((instruction) => instruction.args);
}

// docker/compose.yaml cannot run here (no Docker daemon), so it is checked
// against what the app, the Dockerfile and docker/haproxy.cfg really do.
describe('docker/compose.yaml, docker/Dockerfile and docker/haproxy.cfg', () => {
  it('should build every replica from the Dockerfile, with variables the app reads and accepts', () => {
    const replicas = appServices();
    expect(replicas.map(([name]) => name)).toEqual(['app1', 'app2']);
    const known = variablesReadBy(parseAppConfig);
    const services = readCompose().services;
    for (const [, service] of replicas) {
      expect(resolve(ROOT, 'docker', service.build?.context ?? '.')).toBe(ROOT);
      const env = service.environment ?? {};
      for (const name of Object.keys(env)) {
        expect(known).toContain(name);
      }
      const config = parseAppConfig(env);
      expect(config.channelLayer.backend).toBe('redis-pubsub');
      const hosts =
        config.channelLayer.backend === 'memory'
          ? []
          : config.channelLayer.hosts;
      for (const host of hosts) {
        expect(Object.keys(services)).toContain(new URL(host).hostname);
        expect(service.depends_on?.[new URL(host).hostname]).toEqual({
          condition: 'service_healthy',
        });
      }
    }
  });

  it('should send the balancer to every replica on the port it listens on and exposes', () => {
    const servers = haproxyLines('server').map(([name, address]) => ({
      name,
      ...haproxyVariable(address),
    }));
    const replicas = appServices();
    expect(servers.map(({ name }) => name)).toEqual(
      replicas.map(([name]) => name),
    );
    for (const [name, service] of replicas) {
      const { port } = parseAppConfig(service.environment ?? {});
      expect(servers.find((server) => server.name === name)?.fallback).toBe(
        `${name}:${port}`,
      );
      expect(dockerArgs('EXPOSE')).toEqual([String(port)]);
    }
  });

  it('should publish the port HAProxy binds, with this config, in the HAProxy version tested', () => {
    const [[bind]] = haproxyLines('bind');
    const bindPort = haproxyVariable(bind).fallback.split(':').pop();
    const lb = readCompose().services.lb;
    expect(lb.ports).toEqual([`${bindPort}:${bindPort}`]);
    expect(lb.volumes).toContain(
      './haproxy.cfg:/usr/local/etc/haproxy/haproxy.cfg:ro',
    );
    const local = /version (\d+\.\d+)/.exec(
      execFileSync(HAPROXY_PATH, ['-v'], { encoding: 'utf8' }),
    );
    expect(lb.image).toBe(`haproxy:${local?.[1]}`);
    for (const [name] of appServices()) {
      expect(lb.depends_on?.[name]).toEqual({ condition: 'service_healthy' });
    }
  });

  it('should health-check paths the app serves: /readyz in the balancer, /healthz in the image', () => {
    expect(HEALTH_PATHS).toEqual(['/healthz', '/readyz']);
    const [[, , , uri]] = haproxyLines('http-check send');
    expect(uri).toBe('/readyz');
    const [healthcheck] = dockerArgs('HEALTHCHECK');
    expect(healthcheck).toContain("/healthz'");
  });

  it('should run the production start command as a non-root user, from a separate build stage', () => {
    const scripts = (
      JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
        scripts: Record<string, string>;
      }
    ).scripts;
    const [cmd] = dockerArgs('CMD');
    expect((JSON.parse(cmd) as string[]).join(' ')).toBe(scripts['start:prod']);
    expect(dockerArgs('USER')).toEqual(['node']);
    expect(dockerArgs('FROM')).toHaveLength(2);
    expect(dockerArgs('RUN').join('\n')).toMatch(/npm prune --omit=dev/);
  });
});
