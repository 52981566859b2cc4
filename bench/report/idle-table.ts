import { fmtKiB, fmtMiB, fmtRatio } from '../common/format';
import { S3_LEVELS } from '../scenarios/idle.scenario';
import type { IdleFigures } from '../scenarios/scenario-result';
import type { TargetResult } from '../target-run';
import { idleOf, ratio } from './lookup';

/** Bytes per connection between two levels: the slope, without fixed start-up costs. */
function marginal(low?: IdleFigures, high?: IdleFigures): number {
  return low && high && high.perProcess > low.perProcess
    ? (high.rss - low.rss) / (high.perProcess - low.perProcess)
    : Number.NaN;
}

/** The Markdown table of S3: memory per idle connection at each level. */
export function idleTable(results: readonly TargetResult[]): string[] {
  const top = S3_LEVELS[S3_LEVELS.length - 1];
  const lines = [
    `| target | ${S3_LEVELS.map((level) => `RSS per connection @ ${level}/proc`).join(' | ')} | marginal ${S3_LEVELS[0]}→${top} | ${S3_LEVELS.map((level) => `heap after GC per connection @ ${level}/proc`).join(' | ')} | RSS @ ${top} | failed | ÷ nest memory (RSS) |`,
    `| --- | ${S3_LEVELS.map(() => '---:').join(' | ')} | ---: | ${S3_LEVELS.map(() => '---:').join(' | ')} | ---: | ---: | ---: |`,
  ];
  for (const result of results) {
    const levels = S3_LEVELS.map((level) =>
      idleOf(results, result.name, level),
    );
    const last = levels[levels.length - 1];
    if (!last) {
      const outcome = result.s3;
      const problem =
        result.note ??
        (outcome && 'error' in outcome
          ? `failed: ${outcome.error}`
          : 'not run');
      lines.push(
        `| ${result.name} | ${problem} |${' – |'.repeat(2 * S3_LEVELS.length + 3)}`,
      );
      continue;
    }
    lines.push(
      `| ${result.name} | ${levels.map((figures) => fmtKiB(figures?.bytesPerConnection ?? Number.NaN)).join(' | ')} | ` +
        `${fmtKiB(marginal(levels[0], last))} | ` +
        `${levels.map((figures) => (figures?.heapBytesPerConnection === undefined ? '–' : fmtKiB(figures.heapBytesPerConnection))).join(' | ')} | ` +
        `${fmtMiB(last.rss)} | ${last.failed} | ` +
        `${fmtRatio(ratio(last.bytesPerConnection, idleOf(results, 'nest memory', top)?.bytesPerConnection))} |`,
    );
  }
  return lines;
}
