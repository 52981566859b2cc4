import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import type { BenchOptions } from '../bench-options';
import { describeSplit } from '../common/cpu-split';
import { describeMachine } from '../common/machine';
import { S3_TITLE } from '../scenarios/idle.scenario';
import { S1, S2 } from '../scenarios/throughput.scenario';
import { ROOT } from '../targets/paths';
import type { TargetResult } from '../target-run';
import { FIXED_SCENARIOS } from '../fixed-run';
import { renderChart } from './chart';
import { fixedTable } from './fixed-table';
import { idleTable } from './idle-table';
import { issueChecks } from './issue-checks';
import { updateReadme } from './readme-section';
import { throughputTable } from './throughput-table';

const RESULTS_DIR = join(ROOT, 'bench', 'results');

/** The extra environment of this app's targets, when `--env=` gave some. */
function describeEnv(options: BenchOptions): string {
  const env = Object.entries(options.appEnv);
  return env.length === 0
    ? ''
    : ` Extra environment of every nest target: ${env.map(([key, value]) => `\`${key}=${value}\``).join(', ')}.`;
}

/** S1/S2 ramped to saturation and S3 (idle memory). */
function saturationSections(
  results: readonly TargetResult[],
  options: BenchOptions,
): string[] {
  return [
    'Ramps: each figure is the highest rate held with no loss and p99 < 100 ms (✗ when even the first step missed; ' +
      '⚠ generator-bound when the generator used ≥ 90 % of its CPUs or a worker ≥ 90 % of a core). ' +
      `nest memory, raw ws, nest redis-pubsub and socket.io redis are ramped ${options.ramps} time${options.ramps > 1 ? 's' : ''} each ` +
      "(after the first, on fresh processes, interleaved as the fixed loads are, from 0.6× the first ramp's rate in steps of ×1.15), " +
      'and their row is the median ramp; the other targets are ramped once.',
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
  ];
}

/** S1 and S2 at their fixed delivery rates: medians over the repetitions. */
function fixedSections(
  results: readonly TargetResult[],
  options: BenchOptions,
): string[] {
  const plan = options.fixedLoad;
  return [
    `Fixed load: medians of ${plan.reps} interleaved repetition${plan.reps > 1 ? 's' : ''} (every target's first, then every target's second, …; ` +
      'nest memory with raw ws and nest redis-pubsub with socket.io redis run side by side, the order reversed every other repetition), ' +
      `each on freshly started processes (the load workers' too): ${plan.warmupMs / 1000} s warm-up at the same rate, then ${plan.measureMs / 1000} s measured ` +
      `and up to ${plan.drainMs / 1000} s for the last deliveries (later ones count as lost). Sends follow a fixed schedule ` +
      "and latency is measured from each message's scheduled send time, so a stall counts in full (no coordinated omission). " +
      "CPU is that of the target's processes plus, for targets on Redis, redis-server's, over the measured window, " +
      "per delivery received. A ratio to a peer is the median of the repetitions' own ratios (each run against the peer's run of the same repetition).",
    '',
    ...FIXED_SCENARIOS.flatMap((scenario) => [
      `## ${scenario.title}`,
      '',
      ...fixedTable(results, scenario.key),
      '',
    ]),
  ];
}

/** Targets that were skipped or failed, and why. */
function notRun(results: readonly TargetResult[]): string[] {
  const skipped = results.filter((result) => result.note);
  return skipped.length === 0
    ? []
    : [
        '## Not run',
        '',
        ...skipped.map((result) => `- ${result.name}: ${result.note}`),
        '',
      ];
}

/** Writes the Markdown report and the chart (and the README section on a full run). */
export async function writeReports(
  results: readonly TargetResult[],
  options: BenchOptions,
  elapsedS: number,
): Promise<{ markdown: string; files: string[] }> {
  // A partial run (--only, --with, --env, one mode) must not overwrite the last complete one.
  const base = options.quick
    ? 'bench-quick'
    : options.complete
      ? 'bench-latest'
      : 'bench-partial';
  const when = new Date().toISOString().slice(0, 16).replace('T', ' ');
  const machine =
    `${describeMachine()}; ${when} UTC; ${options.quick ? 'quick' : 'full'} run, ${elapsedS.toFixed(0)} s; ` +
    `load average at the end ${loadavg()
      .map((v) => v.toFixed(2))
      .join(' ')}`;
  const markdown = [
    `# npm run bench${options.argv.length > 0 ? ` -- ${options.argv.join(' ')}` : ''}`,
    '',
    `Machine: ${machine}. Load generator: ${options.workers} worker process${options.workers === 1 ? '' : 'es'} on the same machine; ` +
      `${describeSplit(options.cpuSplit)}.` +
      describeEnv(options),
    '',
    `![bench chart](${base}.svg)`,
    '',
    ...(options.saturation ? saturationSections(results, options) : []),
    ...(options.fixed ? fixedSections(results, options) : []),
    '## Goals: the benchmark targets this project set itself',
    '',
    ...issueChecks(results),
    '',
    ...notRun(results),
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
    await updateReadme(join(ROOT, 'README.md'), body, {
      ramps: options.ramps,
      reps: options.fixedLoad.reps,
    });
    files.push(join(ROOT, 'README.md'));
  }
  return { markdown, files };
}
