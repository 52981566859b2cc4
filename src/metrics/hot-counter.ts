import { Counter, type Registry } from 'prom-client';

/** What the hot path calls: a counter already bound to its labels. */
export interface Count {
  inc(): void;
}

/** Counts nothing: the hot path's counter when metrics are off. */
export const NO_COUNT: Count = { inc: () => undefined };

/**
 * A plain number the hot path bumps, read when Prometheus scrapes: per
 * frame and per delivery this costs an increment, where prom-client's
 * `inc()` validates and hashes its labels on every call.
 */
export class HotCounter implements Count {
  value = 0;
  /** What the registry's counter has been told so far. */
  reported = 0;

  inc(): void {
    this.value++;
  }
}

/**
 * A prom-client counter with one `HotCounter` per value of its one label,
 * all exported (at 0 until counted) so that `rate()` sees every series.
 */
export function hotCounters<V extends string>(
  registry: Registry,
  name: string,
  help: string,
  label: string,
  values: readonly V[],
): Readonly<Record<V, HotCounter>> {
  const counts = Object.fromEntries(
    values.map((value) => [value, new HotCounter()]),
  ) as Record<V, HotCounter>;
  new Counter({
    name,
    help,
    labelNames: [label],
    registers: [registry],
    collect() {
      for (const value of values) {
        this.inc({ [label]: value }, catchUp(counts[value]));
      }
    },
  });
  return counts;
}

/** A prom-client counter without labels, counted as a `HotCounter`. */
export function hotCounter(
  registry: Registry,
  name: string,
  help: string,
): HotCounter {
  const count = new HotCounter();
  new Counter({
    name,
    help,
    registers: [registry],
    collect() {
      this.inc(catchUp(count));
    },
  });
  return count;
}

/** What `count` gained since the last scrape. */
function catchUp(count: HotCounter): number {
  const delta = count.value - count.reported;
  count.reported = count.value;
  return delta;
}
