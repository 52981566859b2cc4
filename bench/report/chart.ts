import { S3_LEVELS } from '../scenarios/idle.scenario';
import type { TargetResult } from '../target-run';
import { FIXED_SCENARIOS } from '../fixed-run';
import { fixedOf, idleOf, throughputOf } from './lookup';

interface Bar {
  chart: string;
  target: string;
  value: number;
  app: boolean;
}

/** Fixed-load bars: median CPU per delivery and median p99 of each scenario. */
function fixedBars(results: readonly TargetResult[]): Bar[] {
  const list: Bar[] = [];
  for (const scenario of FIXED_SCENARIOS) {
    const id = `${scenario.shape.id} fixed, ${scenario.deliveriesPerS.toLocaleString('en-US')} deliveries/s`;
    for (const { name } of results) {
      const figures = fixedOf(results, name, scenario.key);
      if (!figures) {
        continue;
      }
      const app = name.startsWith('nest ');
      const round = (value: number): number => Math.round(value * 10) / 10;
      list.push(
        {
          chart: `${id}: server (+ Redis) CPU µs per delivery, median`,
          target: name,
          value: round(figures.cpuUsPerDelivery),
          app,
        },
        {
          chart: `${id}: p99 latency ms, median`,
          target: name,
          value: round(figures.p99),
          app,
        },
      );
    }
  }
  // A run with no deliveries has no CPU per delivery nor latency: no bar.
  return list.filter((bar) => Number.isFinite(bar.value));
}

function bars(results: readonly TargetResult[]): Bar[] {
  const list: Bar[] = [];
  const top = S3_LEVELS[S3_LEVELS.length - 1];
  for (const { name } of results) {
    const app = name.startsWith('nest ');
    for (const [scenario, chart] of [
      ['s1', 'S1 delivered msg/s (50 rooms × 10)'],
      ['s2', 'S2 delivered msg/s (1 room × 500)'],
    ] as const) {
      const figures = throughputOf(results, name, scenario);
      if (figures) {
        list.push({
          chart,
          target: name,
          value: Math.round(figures.deliveredPerS),
          app,
        });
      }
    }
    const idle = idleOf(results, name, top);
    if (idle) {
      list.push({
        chart: `S3 KiB per idle connection (@ ${top}/proc)`,
        target: name,
        value: Math.round(idle.bytesPerConnection / 102.4) / 10,
        app,
      });
    }
  }
  return list;
}

/** The results as an SVG: vega-lite spec → vega View → toSVG, no browser. */
export async function renderChart(
  results: readonly TargetResult[],
  subtitle: string,
): Promise<string> {
  const vegaLite = await import('vega-lite');
  const vega = await import('vega');
  const order = results.map((result) => result.name);
  const values = [...bars(results), ...fixedBars(results)];
  // Facets in the order their bars come (vega-lite would sort them by name).
  const charts = [...new Set(values.map((bar) => bar.chart))];
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: 'nest-channels vs peers (npm run bench)', subtitle },
    data: { values },
    facet: {
      row: {
        field: 'chart',
        type: 'nominal',
        sort: charts,
        title: null,
        header: {
          labelAngle: 0,
          labelAlign: 'left',
          labelAnchor: 'start',
          labelOrient: 'top',
          labelFontWeight: 'bold',
        },
      },
    },
    resolve: { scale: { x: 'independent' } },
    spec: {
      width: 420,
      layer: [
        {
          mark: 'bar',
          encoding: {
            y: { field: 'target', type: 'nominal', sort: order, title: null },
            x: { field: 'value', type: 'quantitative', title: null },
            color: {
              field: 'app',
              type: 'nominal',
              legend: null,
              scale: { domain: [true, false], range: ['#d9480f', '#868e96'] },
            },
          },
        },
        {
          mark: { type: 'text', align: 'left', dx: 3 },
          encoding: {
            y: { field: 'target', type: 'nominal', sort: order },
            x: { field: 'value', type: 'quantitative' },
            text: { field: 'value', type: 'quantitative', format: ',' },
          },
        },
      ],
    },
  };
  const compiled = vegaLite.compile(spec as never).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
