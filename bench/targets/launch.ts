import type { ChildProcess } from 'node:child_process';
import { freePort } from '../../test/helpers/redis-server';
import { spawnTracked, stopChild } from '../common/children';
import { waitForPort } from '../common/wait-for-port';
import type { RunningTarget } from './target';

/** How to start one server process of a target on `port`. */
export interface LaunchSpec {
  command: string;
  args: (port: number) => string[];
  env?: (port: number) => Record<string, string>;
  cwd?: string;
  readyTimeoutMs?: number;
  /** Time given to exit after SIGTERM before SIGKILL. @default 0 (SIGKILL at once) */
  graceMs?: number;
}

/** Keeps the last few KiB a process wrote, to explain a failed start. */
function tail(child: ChildProcess): () => string {
  let text = '';
  const keep = (chunk: Buffer): void => {
    text = (text + chunk.toString()).slice(-4_096);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return () => text;
}

/** Starts `count` processes of `spec` on free loopback ports; resolves once all listen. */
export async function launch(
  count: number,
  spec: LaunchSpec,
): Promise<RunningTarget> {
  const ports: number[] = [];
  const processes: ChildProcess[] = [];
  const stop = async (): Promise<void> => {
    await Promise.all(processes.map((child) => stopChild(child, spec.graceMs)));
  };
  try {
    for (let i = 0; i < count; i++) {
      const port = await freePort();
      const child = spawnTracked(spec.command, spec.args(port), {
        cwd: spec.cwd,
        env: { ...process.env, ...spec.env?.(port) },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const output = tail(child);
      processes.push(child);
      ports.push(port);
      await waitForPort(
        port,
        spec.readyTimeoutMs ?? 20_000,
        () => child.exitCode === null && child.signalCode === null,
      ).catch((error: Error) => {
        throw new Error(`${error.message}\n${output()}`);
      });
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    ports,
    pids: processes.map((child) => child.pid ?? 0),
    stop,
  };
}
