import { fmtErrors, fmtMs, fmtRate, fmtRatio } from '../common/format';
import { median } from '../common/percentile';
import type { FixedLoadScenario } from '../scenarios/fixed-load.scenario';
import type { FixedLoadFigures } from '../scenarios/scenario-result';
import { SATURATED_CPU } from '../load/load-generator';
import type { TargetResult } from '../target-run';
import { RAW_WS, SOCKETIO_REDIS } from '../targets/peers';
import { cpuPerDelivery, fixedOf, pairedRatio } from './lookup';

/** The peers each app row is compared with: the ceiling and the Redis-backed peer. */
const PEERS = [RAW_WS, SOCKETIO_REDIS] as const;

const HEADER = [
  '| target | procs | runs | server (+ Redis) CPU µs / delivery, median (min–max) | of which Redis | p50 | p99 | loss | received / expected, all runs | gen CPU | CPU ÷ raw ws | CPU ÷ socket.io redis | p99 ÷ raw ws |',
  '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
];

/** `35.6 (33.1–38.0)`: the median and the spread of the repetitions (– without deliveries). */
function cpuCell(figures: FixedLoadFigures): string {
  const values = figures.runs.map(cpuPerDelivery).filter(Number.isFinite);
  if (values.length === 0) {
    return '–';
  }
  return `${figures.cpuUsPerDelivery.toFixed(1)} (${Math.min(...values).toFixed(1)}–${Math.max(...values).toFixed(1)})`;
}

function row(
  results: readonly TargetResult[],
  result: TargetResult,
  figures: FixedLoadFigures,
  key: FixedLoadScenario['key'],
): string {
  const redisUs = median(
    figures.runs.map((run) =>
      run.received === 0 ? Number.NaN : (run.redisCpuS * 1e6) / run.received,
    ),
  );
  const vs = PEERS.map((peer) =>
    fmtRatio(pairedRatio(figures, fixedOf(results, peer, key), cpuPerDelivery)),
  );
  const errors = fmtErrors(figures.errorReplies);
  const failed = figures.failed > 0 ? ` (${figures.failed} failed)` : '';
  const bound =
    figures.generatorCpu >= SATURATED_CPU ? ' ⚠ generator-bound' : '';
  return (
    `| ${result.name} | ${result.processes} | ${figures.runs.length}${failed} | ${cpuCell(figures)} | ` +
    `${figures.runs[0]?.withRedis && Number.isFinite(redisUs) ? redisUs.toFixed(1) : '–'} | ${fmtMs(figures.p50)} | ${fmtMs(figures.p99)} | ` +
    `${(figures.loss * 100).toFixed(2)} %${errors ? ` (error replies: ${errors})` : ''} | ${fmtRate(figures.received)} / ${fmtRate(figures.expected)} | ` +
    `${(figures.generatorCpu * 100).toFixed(0)} %${bound} | ${vs.join(' | ')} | ` +
    `${fmtRatio(pairedRatio(figures, fixedOf(results, RAW_WS, key), (run) => run.p99))} |`
  );
}

/** The Markdown table of one fixed-load scenario: medians over the repetitions, per target. */
export function fixedTable(
  results: readonly TargetResult[],
  key: FixedLoadScenario['key'],
): string[] {
  const lines = [...HEADER];
  for (const result of results) {
    const figures = fixedOf(results, result.name, key);
    if (figures) {
      lines.push(row(results, result, figures, key));
      continue;
    }
    const outcome = result[key];
    const problem =
      result.note ??
      (outcome && 'error' in outcome ? `failed: ${outcome.error}` : 'not run');
    lines.push(
      `| ${result.name} | ${result.processes} | ${problem} |${' – |'.repeat(10)}`,
    );
  }
  const commands = redisCommandLines(results, key);
  return commands.length > 0 ? [...lines, '', ...commands] : lines;
}

/**
 * What each target on Redis asked of it per message sent, in its first
 * repetition: the calls and the time Redis spent per call, costliest first.
 */
function redisCommandLines(
  results: readonly TargetResult[],
  key: FixedLoadScenario['key'],
): string[] {
  const lines: string[] = [];
  for (const result of results) {
    const costs = fixedOf(results, result.name, key)?.runs[0]?.redisCommands;
    if (costs && costs.length > 0) {
      const listed = costs
        .slice(0, 4)
        .map(
          ({ command, perSend, usecPerCall }) =>
            `\`${command}\` ${perSend.toFixed(2)} × ${usecPerCall.toFixed(1)} µs`,
        );
      lines.push(`- ${result.name}: ${listed.join(', ')}`);
    }
  }
  return lines.length > 0
    ? [
        "Redis commands per message sent, and Redis's time per call (`INFO commandstats`, first repetition; a script includes the commands it calls, which are also listed):",
        '',
        ...lines,
      ]
    : [];
}
