import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { ManagedProcess } from './managed-process';
import { freePort } from './redis-server';

/** Debian's Prometheus, as .ci/run installs it. */
export const PROMETHEUS_PATH =
  process.env.PROMETHEUS_PATH ?? '/usr/bin/prometheus';

/** How often the test Prometheus scrapes: often, so a test waits little. */
const SCRAPE_INTERVAL = '250ms';

/** An instant query's answer: one number per series. */
interface QueryResponse {
  status: string;
  data?: {
    result: Array<{ metric: Record<string, string>; value: [number, string] }>;
  };
  error?: string;
}

/**
 * A real `prometheus` on a free loopback port, scraping `/metrics` of
 * `targets` (`host:port`) with a configuration written for it, its data in a
 * directory of its own that `stop()` removes.
 */
export class PrometheusServer {
  private constructor(
    private readonly process: ManagedProcess,
    private readonly dir: string,
    readonly url: string,
  ) {}

  /** Starts it; resolves once it serves its HTTP API. */
  static async start(targets: readonly string[]): Promise<PrometheusServer> {
    const dir = await mkdtemp(join(tmpdir(), 'prometheus-'));
    const config = join(dir, 'prometheus.yml');
    await writeFile(
      config,
      [
        'global:',
        `  scrape_interval: ${SCRAPE_INTERVAL}`,
        `  scrape_timeout: ${SCRAPE_INTERVAL}`,
        'scrape_configs:',
        '  - job_name: channels',
        '    static_configs:',
        `      - targets: [${targets.map((target) => `'${target}'`).join(', ')}]`,
        '',
      ].join('\n'),
    );
    const port = await freePort();
    const process = ManagedProcess.start('prometheus', PROMETHEUS_PATH, [
      `--config.file=${config}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ]);
    try {
      await process.waitForLine(/Server is ready to receive web requests/);
    } catch (error) {
      await rm(dir, { recursive: true, force: true });
      throw error;
    }
    return new PrometheusServer(process, dir, `http://127.0.0.1:${port}`);
  }

  /** The series of an instant query through the HTTP API, as label sets and numbers. */
  async query(
    expression: string,
  ): Promise<Array<{ metric: Record<string, string>; value: number }>> {
    const response = await fetch(
      `${this.url}/api/v1/query?query=${encodeURIComponent(expression)}`,
    );
    const body = (await response.json()) as QueryResponse;
    if (body.status !== 'success' || !body.data) {
      throw new Error(`query ${expression} failed: ${body.error}`);
    }
    return body.data.result.map(({ metric, value }) => ({
      metric,
      value: Number(value[1]),
    }));
  }

  /**
   * Resolves once every target has been scraped, successfully, after
   * `since` (Unix seconds): asked again and again through the API, as a
   * dashboard would, for at most 20 s.
   */
  async scrapedAfter(since: number, targets: number): Promise<void> {
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      const scraped = await this.query('timestamp(up == 1)');
      if (
        scraped.length === targets &&
        scraped.every(({ value }) => value > since)
      ) {
        return;
      }
      await delay(100);
    }
    throw new Error(`not every target was scraped after ${since}`);
  }

  /** Stops it for good and removes its data. */
  async stop(): Promise<void> {
    await this.process.kill();
    await rm(this.dir, { recursive: true, force: true });
  }
}
