import { setTimeout as delay } from 'node:timers/promises';

/** One scrape: `name{label="value",…}` (as printed) → value. */
export type Samples = ReadonlyMap<string, number>;

/** Parses Prometheus's text format into samples, comments skipped. */
export function parseSamples(text: string): Samples {
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) {
      continue;
    }
    const space = line.lastIndexOf(' ');
    samples.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return samples;
}

/** `GET <base>/metrics`, parsed; throws on a status other than 200. */
export async function scrape(base: string): Promise<Samples> {
  const response = await fetch(`${base}/metrics`);
  if (response.status !== 200) {
    throw new Error(`/metrics answered ${response.status}`);
  }
  return parseSamples(await response.text());
}

/**
 * Scrapes until `done(samples)` holds (for at most 10 s): for what the
 * server counts after the client has seen its effect (a close the client
 * started). Metrics are a probe, so they are asked again, as Prometheus does.
 */
export async function scrapeUntil(
  base: string,
  done: (samples: Samples) => boolean,
): Promise<Samples> {
  const deadline = Date.now() + 10_000;
  let samples = await scrape(base);
  while (!done(samples)) {
    if (Date.now() > deadline) {
      throw new Error(`/metrics never matched:\n${[...samples].join('\n')}`);
    }
    await delay(50);
    samples = await scrape(base);
  }
  return samples;
}
