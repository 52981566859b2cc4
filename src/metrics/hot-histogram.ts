import { Histogram, type MetricType } from 'prom-client';

/** One label set of a `HotHistogram`: what the hot path observes into. */
export class HotHistogramSeries {
  /** Per bucket, not cumulative; the last one is `+Inf`. */
  readonly counts: number[];
  sum = 0;
  count = 0;

  constructor(
    readonly labels: Readonly<Record<string, string>>,
    private readonly bounds: readonly number[],
  ) {
    this.counts = new Array<number>(bounds.length + 1).fill(0);
  }

  /** Records one value: a bucket search, no label hashing, no allocation. */
  observe(value: number): void {
    let bucket = 0;
    while (bucket < this.bounds.length && value > this.bounds[bucket]) {
      bucket++;
    }
    this.counts[bucket]++;
    this.sum += value;
    this.count++;
  }
}

/** The shape a registry formats (prom-client types `type` as an enum it never uses). */
type Exported = Awaited<ReturnType<Histogram['get']>>;

/**
 * A prom-client histogram whose label sets are `HotHistogramSeries` bound
 * once: prom-client's own `observe()` validates and hashes its labels on
 * every call, microseconds a layer call should not pay. Exported in the
 * same text format.
 */
export class HotHistogram extends Histogram {
  private readonly all: HotHistogramSeries[] = [];
  private readonly bounds: readonly number[];
  private readonly metricName: string;
  private readonly metricHelp: string;

  constructor(config: ConstructorParameters<typeof Histogram>[0]) {
    super(config);
    this.bounds = config.buckets ?? [];
    this.metricName = config.name;
    this.metricHelp = config.help;
  }

  /** The series of `labels`, created once: keep it and call its `observe`. */
  series(labels: Readonly<Record<string, string>>): HotHistogramSeries {
    const series = new HotHistogramSeries(labels, this.bounds);
    this.all.push(series);
    return series;
  }

  override async get(): Promise<Exported> {
    return {
      name: this.metricName,
      help: this.metricHelp,
      type: 'histogram' as unknown as MetricType,
      aggregator: 'sum',
      collect: () => undefined,
      values: this.all.flatMap((series) => this.valuesOf(series)),
    };
  }

  /** What the registry reads when it writes the text format. */
  getForPromString(): Promise<Exported> {
    return this.get();
  }

  private valuesOf(series: HotHistogramSeries): Exported['values'] {
    let cumulative = 0;
    const buckets = series.counts.map((count, index) => {
      cumulative += count;
      const le = index < this.bounds.length ? this.bounds[index] : '+Inf';
      return {
        metricName: `${this.metricName}_bucket`,
        labels: { ...series.labels, le },
        value: cumulative,
      };
    });
    return [
      ...buckets,
      {
        metricName: `${this.metricName}_sum`,
        labels: series.labels,
        value: series.sum,
      },
      {
        metricName: `${this.metricName}_count`,
        labels: series.labels,
        value: series.count,
      },
    ];
  }
}
