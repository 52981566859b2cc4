import { readFileSync, writeFileSync } from 'node:fs';

const START = '<!-- bench:start -->';
const END = '<!-- bench:end -->';

/** The counts a run used, which the how-to text states. */
export interface IntroCounts {
  /** Ramps of each paired target. */
  ramps: number;
  /** Fixed-load repetitions. */
  reps: number;
}

/** How to run the bench: the start of the README's Benchmarks section, above the latest results. */
const intro = ({ ramps, reps }: IntroCounts): string => `## Benchmarks

\`npm run bench\` starts every target itself on 127.0.0.1, drives it with a Node load generator
(\`ws\` clients in worker processes, each message carrying its send time) and stops everything it
started (also on Ctrl-C). It has two modes, both run by default:

- **Saturation**: S3, then S1 and S2 with the send rate ramped to the highest one held with no
  loss and p99 under 100 ms. One ramp's result moves by a step or more from run to run, so the
  targets with a saturation goal against a peer (nest memory and raw ws, nest redis-pubsub and
  socket.io redis) are ramped ${ramps} times each and reported by their median ramp: after the
  first, on fresh processes, interleaved as the fixed loads are, from 0.6× the first ramp's rate
  in finer steps (×1.15).
- **Fixed load**: S1 at 10,000 and S2 at 20,000 deliveries/s, the loads servers really run at,
  where fixed per-frame costs show that saturation hides. ${reps} repetitions per target,
  interleaved (every target's first, then every target's second, …), each on freshly started
  processes, the load workers' included: 2 s warm-up, 10 s measured. The app targets with a goal against a peer run right
  beside it (nest memory with raw ws, nest redis-pubsub with socket.io redis), the order reversed
  every other repetition, and a ratio to a peer is the median of each repetition's own ratio: on a
  shared 2-core machine, runs a minute apart differ by up to 40 %, runs side by side much less. Sends follow a fixed schedule (message _n_ due at
  start + _n_ / rate) and latency is measured from the scheduled time, so a stall is counted in
  full (no coordinated omission). Reported per target, as medians: CPU µs per delivery of the
  server processes plus, for targets on Redis, redis-server's (pidusage, over the measured
  window), p50 and p99, and loss (deliveries expected against received; one later than 2 s
  after the window counts as lost), with the app's error replies (\`room_overloaded\`, …) by kind.

Options: \`--quick\` a short run (2 repetitions of 2 s; about 10 minutes for every target on 2
cores, a full run about 40); \`--only=nest,raw\` targets whose name contains a word;
\`--fixed-only\` or \`--no-fixed\` one mode; \`--reps=7\` fixed-load repetitions; \`--ramps=5\` ramps of
each paired target (\`--quick\`: 1); \`--env=KEY=VALUE\`
(repeatable) extra environment for every app target; \`--with=memory+nometrics,redis-pubsub+history\`
adds app targets with a variant, beside the plain ones in the tables (\`nometrics\` sets
\`METRICS_ENABLED=false\`, \`history\` sets \`CHAT_HISTORY_SIZE=100\`; a part may also be
\`KEY=VALUE\`, as in \`memory+CHAT_HISTORY_SIZE=10\`); \`--pin\` servers and generator on
separate CPUs (see below). Progress lines say what runs and how long is left.

Targets: this app with \`CHANNEL_LAYER=memory\`
(1 process), \`redis\` and \`redis-pubsub\` (2 processes, one Redis); a raw \`ws\` server with an
in-process room map (the ceiling); Socket.IO 4 with @socket.io/redis-adapter (2 processes); and
the Django Channels 4 tutorial under daphne with channels_redis (2 processes each: the sync
consumer with the core layer, the async consumer with the core and pub/sub layers; the
tutorial's routing without AuthMiddlewareStack, as there is no database), run when Debian's
packages are installed (else skipped with a note; at the fixed loads Django cannot keep up, and
its loss is reported as measured):

\`\`\`bash
apt-get install -y python3-django-channels python3-daphne python3-channels-redis
\`\`\`

Scenarios: S1 50 rooms × 10 clients, one sender per room; S2 one room of 500 clients, one
sender; S3 idle connections (2 000 and 5 000 per process), memory per connection as RSS delta
over connections, measured on one process of each target, and for the Node targets also as the
heap in use after a full GC (what each connection keeps; RSS also moves with V8's young
generation, which the handshakes' allocation rate sizes). Ratios are the target's delivered
messages/s over this app's. The load generator runs on the same machine; a figure is marked
generator-bound when the generator used 90 % of its CPUs, or one worker 90 % of a core, or more.
\`--pin\` (with \`taskset\`) puts the servers and Redis on the first half of the CPUs and the
generator (the bench's own process and its workers, one per CPU of its half) on the other, so
that a ramp saturates the server rather than the machine. On 2 cores that leaves the generator one
core, which the fast targets then saturate first (in S2 every one of them); and a server that
delivers at once costs the generator more per delivery than one that batches (more reads of one
frame each), so a bound generator favours the slower server. The default therefore shares every
CPU, and \`--pin\` is for comparing targets slower than the generator.
\`BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof"\` profiles the Node targets. Results go to
\`bench/results/\` (Markdown and an SVG drawn by vega-lite: \`bench-quick\` for \`--quick\`, \`bench-partial\`
for a run with any other option, else \`bench-latest\`); a full run (no \`--quick\`, \`--only\`,
\`--with\`, \`--env\`, \`--pin\` or single mode; \`--readme\` forces it) rewrites this section of the README.

On a small shared machine the rates move by 30 % or more from run to run (other jobs, and the
load generator and Redis share the same cores as the servers); server CPU µs per delivery and
the S3 memory figures are steadier than the rates.
`;

/**
 * Puts the README's Benchmarks section, from its heading: how to run the
 * bench (`intro`, kept only here, with the run's `counts`) and `body` (the
 * latest results), prettier-formatted.
 */
export async function updateReadme(
  path: string,
  body: string,
  counts: IntroCounts,
): Promise<void> {
  const readme = readFileSync(path, 'utf8');
  const generated = `${START}\n${intro(counts)}\n${body.trim()}\n${END}`;
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  const next =
    start >= 0 && end > start
      ? readme.slice(0, start) + generated + readme.slice(end + END.length)
      : `${readme.trimEnd()}\n\n${generated}\n`;
  const prettier = await import('prettier');
  const options = (await prettier.resolveConfig(path)) ?? {};
  writeFileSync(
    path,
    await prettier.format(next, { ...options, filepath: path }),
  );
}
