import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

/** How a process ended: its exit code, or the signal that ended it. */
export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

interface LineWaiter {
  pattern: RegExp;
  resolve(line: string): void;
}

/**
 * A child process a test starts, whose output lines (stdout and stderr) can be
 * awaited, and which `kill()` always ends, for `afterAll` to call even after a
 * failure.
 */
export class ManagedProcess {
  private readonly lines: string[] = [];
  private waiters: LineWaiter[] = [];
  /** Resolves once the process has exited (or failed to start). */
  readonly exited: Promise<ProcessExit>;
  private ended = false;

  private constructor(
    readonly name: string,
    private readonly child: ChildProcess,
  ) {
    for (const stream of [child.stdout, child.stderr]) {
      if (stream) {
        createInterface({ input: stream }).on('line', (line) =>
          this.onLine(line),
        );
      }
    }
    this.exited = new Promise((resolve) => {
      child.once('error', (error) => {
        this.onLine(`[${name}] failed to start: ${error.message}`);
        this.ended = true;
        resolve({ code: null, signal: null });
      });
      child.once('exit', (code, signal) => {
        this.ended = true;
        resolve({ code, signal });
      });
    });
  }

  /** Starts `command` in `cwd`, with `env` added to this process's environment. */
  static start(
    name: string,
    command: string,
    args: readonly string[],
    { env = {}, cwd }: { env?: Record<string, string>; cwd?: string } = {},
  ): ManagedProcess {
    const child = spawn(command, args, {
      cwd,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new ManagedProcess(name, child);
  }

  /** Everything the process printed so far, for failure messages. */
  get output(): string {
    return this.lines.join('\n');
  }

  /**
   * The first output line matching `pattern` printed after `from` lines (0:
   * since the start). Rejects, with the output, if the process exits first.
   */
  async waitForLine(pattern: RegExp, from = 0): Promise<string> {
    const seen = this.lines.slice(from).find((line) => pattern.test(line));
    if (seen !== undefined) {
      return seen;
    }
    const line = new Promise<string>((resolve) =>
      this.waiters.push({ pattern, resolve }),
    );
    const first = await Promise.race([line, this.exited]);
    if (typeof first !== 'string') {
      throw new Error(
        `${this.name} exited (${JSON.stringify(first)}) before printing ${pattern}:\n${this.output}`,
      );
    }
    return first;
  }

  /** How many lines have been printed: a mark for `waitForLine(pattern, from)`. */
  get lineCount(): number {
    return this.lines.length;
  }

  /** Whether the process is still running. */
  get running(): boolean {
    return !this.ended;
  }

  /** Sends `signal` without waiting: SIGSTOP and SIGCONT do not end it. */
  signal(signal: NodeJS.Signals): void {
    if (!this.ended) {
      this.child.kill(signal);
    }
  }

  /** Sends `signal` (SIGTERM by default) and resolves once the process exited. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<ProcessExit> {
    if (!this.ended) {
      this.child.kill(signal);
    }
    return this.exited;
  }

  /** Ends the process for good (SIGKILL), whatever state it is in. */
  kill(): Promise<ProcessExit> {
    return this.stop('SIGKILL');
  }

  private onLine(line: string): void {
    this.lines.push(line);
    const matched = this.waiters.filter((waiter) => waiter.pattern.test(line));
    this.waiters = this.waiters.filter((waiter) => !matched.includes(waiter));
    for (const waiter of matched) {
      waiter.resolve(line);
    }
  }
}
