import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { spawnTracked, stopChild } from '../common/children';

/** Which implementation a peer process runs. */
export type Impl = 'nest-channels' | 'channels_redis';

const ROOT = join(__dirname, '..', '..', '..');
const PYTHON = process.env.BENCH_PYTHON ?? '/usr/bin/python3';
/** How much of a peer's stderr a failure quotes. */
const STDERR_TAIL = 600;

/**
 * A peer process that speaks JSON lines on stdout: bench/layer/node-peer.ts
 * or bench/layer/peer.py. Its stderr is passed through and its tail kept, so
 * a peer that dies says why instead of only "exited early".
 */
export class PeerProcess {
  private readonly lines: AsyncIterator<string>;
  private stderr = '';

  private constructor(readonly child: ChildProcess) {
    child.stderr!.on('data', (chunk: Buffer) => {
      process.stderr.write(chunk);
      this.stderr = (this.stderr + chunk.toString()).slice(-STDERR_TAIL);
    });
    this.lines = createInterface({ input: child.stdout! })[
      Symbol.asyncIterator
    ]();
  }

  static start(impl: Impl, config: object): PeerProcess {
    const json = JSON.stringify(config);
    const [command, script] =
      impl === 'nest-channels'
        ? [process.execPath, join(__dirname, 'node-peer.js')]
        : [PYTHON, join(ROOT, 'bench', 'layer', 'peer.py')];
    return new PeerProcess(
      spawnTracked(command, [script, json], {
        stdio: ['pipe', 'pipe', 'pipe'],
      }),
    );
  }

  /** The next JSON line; rejects with the exit status and stderr tail if the peer ended. */
  async next<T>(): Promise<T> {
    const line: IteratorResult<string> = await this.lines.next();
    if (line.done) {
      throw new Error(`peer exited early (${await this.exitStatus()})`);
    }
    try {
      return JSON.parse(line.value) as T;
    } catch {
      throw new Error(
        `peer wrote a non-JSON line: ${line.value.slice(0, 200)}`,
      );
    }
  }

  tell(line: string): void {
    this.child.stdin!.write(`${line}\n`);
  }

  /** Ends the process, however far it got. */
  stop(): Promise<void> {
    return stopChild(this.child);
  }

  private async exitStatus(): Promise<string> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      await new Promise((resolve) => this.child.once('exit', resolve));
    }
    const status =
      this.child.signalCode ?? `exit code ${String(this.child.exitCode)}`;
    const tail = this.stderr.trim().split('\n').slice(-3).join(' / ');
    return tail ? `${status}: ${tail}` : status;
  }
}
