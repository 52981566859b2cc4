import { fmtMiB, fmtMs, fmtRate, fmtRatio } from '../common/format';
import type { TargetResult } from '../target-run';
import { ratio, throughputOf } from './lookup';

/** The app variants every other row is compared with. */
const APPS = ['nest memory', 'nest redis-pubsub'] as const;

/** The Markdown table of S1 or S2: each target's highest held rate (its median ramp's), each ramp's, and its ratios to this app. */
export function throughputTable(
  results: readonly TargetResult[],
  scenario: 's1' | 's2',
): string[] {
  const lines = [
    '| target | procs | sent msg/s | delivered msg/s | each ramp, delivered msg/s | p50 | p95 | p99 | max | loss | server CPU s (µs / delivery) | peak RSS / proc | gen CPU | ÷ nest memory | ÷ nest redis-pubsub |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const result of results) {
    const outcome = result[scenario];
    const problem =
      result.note ??
      (outcome && 'error' in outcome ? `failed: ${outcome.error}` : undefined);
    const figures = throughputOf(results, result.name, scenario);
    if (!figures) {
      lines.push(
        `| ${result.name} | ${result.processes} | ${problem ?? 'not run'} |${' – |'.repeat(12)}`,
      );
      continue;
    }
    const flags = [
      figures.held ? '' : ' ✗ none held',
      figures.generatorBound ? ' ⚠ generator-bound' : '',
    ].join('');
    const vs = APPS.map((app) =>
      fmtRatio(
        ratio(
          figures.deliveredPerS,
          throughputOf(results, app, scenario)?.deliveredPerS,
        ),
      ),
    );
    lines.push(
      `| ${result.name} | ${result.processes} | ${fmtRate(figures.rate)} | ${fmtRate(figures.deliveredPerS)}${flags} | ` +
        `${figures.ramps.map(fmtRate).join(', ')} | ` +
        `${fmtMs(figures.p50)} | ${fmtMs(figures.p95)} | ${fmtMs(figures.p99)} | ${fmtMs(figures.max)} | ` +
        `${(figures.loss * 100).toFixed(1)} % | ${figures.serverCpuS.toFixed(2)} (${figures.cpuUsPerDelivery.toFixed(1)}) | ` +
        `${figures.peakRss.map(fmtMiB).join(' + ')} | ${(figures.generatorCpu * 100).toFixed(0)} % | ${vs.join(' | ')} |`,
    );
  }
  return lines;
}
