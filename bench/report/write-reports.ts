import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import type { BenchOptions } from '../bench-options';
import { describeMachine } from '../common/machine';
import { S3_TITLE } from '../scenarios/idle.scenario';
import { S1, S2 } from '../scenarios/throughput.scenario';
import { ROOT } from '../targets/paths';
import type { TargetResult } from '../target-run';
import { renderChart } from './chart';
import { idleTable } from './idle-table';
import { issueChecks } from './issue-checks';
import { updateReadme } from './readme-section';
import { throughputTable } from './throughput-table';

const RESULTS_DIR = join(ROOT, 'bench', 'results');

/** Writes the Markdown report and the chart (and the README section on a full run). */
export async function writeReports(
  results: readonly TargetResult[],
  options: BenchOptions,
  elapsedS: number,
): Promise<{ markdown: string; files: string[] }> {
  const base = options.quick ? 'bench-quick' : 'bench-latest';
  const when = new Date().toISOString().slice(0, 16).replace('T', ' ');
  const machine =
    `${describeMachine()}; ${when} UTC; ${options.quick ? 'quick' : 'full'} run, ${elapsedS.toFixed(0)} s; ` +
    `load average at the end ${loadavg()
      .map((v) => v.toFixed(2))
      .join(' ')}`;
  const skipped = results.filter((result) => result.note);
  const markdown = [
    `# npm run bench${options.quick ? ' -- --quick' : ''}`,
    '',
    `Machine: ${machine}. Load generator: ${options.workers} worker processes on the same machine. ` +
      `Each figure is the highest rate held with no loss and p99 < 100 ms (✗ when even the first step missed; ` +
      `⚠ generator-bound when a generator worker used ≥ 90 % of a core).`,
    '',
    `![bench chart](${base}.svg)`,
    '',
    `## ${S1.title}`,
    '',
    ...throughputTable(results, 's1'),
    '',
    `## ${S2.title}`,
    '',
    ...throughputTable(results, 's2'),
    '',
    `## ${S3_TITLE}`,
    '',
    ...idleTable(results),
    '',
    '## Goals: the benchmark targets this project set itself',
    '',
    ...issueChecks(results),
    '',
    ...(skipped.length > 0
      ? [
          '## Not run',
          '',
          ...skipped.map((result) => `- ${result.name}: ${result.note}`),
          '',
        ]
      : []),
  ].join('\n');
  mkdirSync(RESULTS_DIR, { recursive: true });
  const files = [
    join(RESULTS_DIR, `${base}.md`),
    join(RESULTS_DIR, `${base}.svg`),
  ];
  writeFileSync(files[0], markdown);
  writeFileSync(files[1], await renderChart(results, machine));
  if (options.updateReadme) {
    const body = markdown
      .replace(/^# .*\n/, '')
      .replace(`(${base}.svg)`, `(bench/results/${base}.svg)`)
      .replace(/^## /gm, '### ');
    await updateReadme(join(ROOT, 'README.md'), body);
    files.push(join(ROOT, 'README.md'));
  }
  return { markdown, files };
}
