import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { createApp, type TestApp } from '../helpers/create-app';
import { readCompose, ROOT } from '../helpers/deployment-files';

/** docker/prometheus.yml's scrape targets. */
function prometheusTargets(): string[] {
  const config = parse(
    readFileSync(join(ROOT, 'docker', 'prometheus.yml'), 'utf8'),
  ) as {
    scrape_configs: Array<{ static_configs: Array<{ targets: string[] }> }>;
  };
  return config.scrape_configs.flatMap(({ static_configs }) =>
    static_configs.flatMap(({ targets }) => targets),
  );
}

/** Every query of the Grafana dashboard. */
function dashboardQueries(): string[] {
  const dashboard = JSON.parse(
    readFileSync(
      join(ROOT, 'docker', 'grafana', 'dashboards', 'nest-channels.json'),
      'utf8',
    ),
  ) as { panels: Array<{ targets: Array<{ expr: string }> }> };
  return dashboard.panels.flatMap(({ targets }) =>
    targets.map(({ expr }) => expr),
  );
}

describe('Observability in docker/ (e2e)', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await createApp();
  });

  afterAll(async () => {
    await testApp.app.close();
  });

  it('should have Prometheus scrape every app replica of compose.yaml on its port', () => {
    const replicas = Object.keys(readCompose().services).filter((name) =>
      /^app\d+$/.test(name),
    );
    expect(prometheusTargets().sort()).toEqual(
      replicas.map((name) => `${name}:3000`).sort(),
    );
  });

  it('should chart only series the app exports', async () => {
    // Declared series, even those with no sample yet (no connection open)
    const text = await (await fetch(`${testApp.http}/metrics`)).text();
    const exported = [...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].flatMap(
      ([, name, type]) =>
        type === 'histogram'
          ? [`${name}_bucket`, `${name}_sum`, `${name}_count`]
          : [name],
    );
    const charted = new Set(
      dashboardQueries().flatMap(
        (expr) => expr.match(/\b(?:channels|nodejs)_[a-z\d_]+/g) ?? [],
      ),
    );
    expect(charted.size).toBeGreaterThan(8);
    for (const name of charted) {
      expect(exported).toContain(name);
    }
  });
});
