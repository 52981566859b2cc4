import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

/** What `test/interop/peer.py` builds: a channels_redis 4.0 layer. */
export interface PythonPeerConfig {
  layer: 'core' | 'pubsub';
  /** URLs, or channels_redis's sentinel hosts: {"sentinels": [[host, port]], "master_name": name}. */
  hosts: Array<string | Record<string, unknown>>;
  keys?: string[];
  prefix?: string;
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

const PEER_SCRIPT = join(__dirname, '..', 'interop', 'peer.py');

/**
 * A Django Channels process in a test: Debian's `/usr/bin/python3` running the
 * real channels_redis, driven one JSON line per call.
 */
export class PythonPeer {
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private stderr = '';

  private constructor(private readonly child: ChildProcessWithoutNullStreams) {
    child.stderr.on(
      'data',
      (chunk: Buffer) => (this.stderr += chunk.toString()),
    );
    child.once('exit', (code) => {
      const error = new Error(
        `python peer exited with ${code}: ${this.stderr.slice(-2000)}`,
      );
      for (const { reject } of this.pending.values()) {
        reject(error);
      }
      this.pending.clear();
    });
  }

  /** Starts the peer and resolves once its layer is built. */
  static start(config: PythonPeerConfig): Promise<PythonPeer> {
    const child = spawn(
      process.env.INTEROP_PYTHON ?? '/usr/bin/python3',
      [PEER_SCRIPT, JSON.stringify(config)],
      { stdio: ['pipe', 'pipe', 'pipe'] },
    );
    const peer = new PythonPeer(child);
    return new Promise((resolve, reject) => {
      const lines = createInterface({ input: child.stdout });
      child.once('exit', () =>
        reject(new Error(`python peer did not start: ${peer.stderr}`)),
      );
      lines.on('line', (line) => {
        const reply = JSON.parse(line) as {
          ready?: boolean;
          id?: number;
          ok?: boolean;
          result?: unknown;
          error?: string;
        };
        if (reply.ready) {
          resolve(peer);
          return;
        }
        const call = peer.pending.get(reply.id ?? -1);
        peer.pending.delete(reply.id ?? -1);
        if (reply.ok) {
          call?.resolve(reply.result);
        } else {
          call?.reject(new Error(`python: ${reply.error}`));
        }
      });
    });
  }

  newChannel(options: { misrouted?: boolean } = {}): Promise<string> {
    return this.call('new_channel', options) as Promise<string>;
  }

  send(channel: string, message: object): Promise<void> {
    return this.call('send', { channel, message }) as Promise<void>;
  }

  receive(channel: string): Promise<Record<string, unknown>> {
    return this.call('receive', { channel }) as Promise<
      Record<string, unknown>
    >;
  }

  groupAdd(group: string, channel: string): Promise<void> {
    return this.call('group_add', { group, channel }) as Promise<void>;
  }

  groupSend(group: string, message: object): Promise<void> {
    return this.call('group_send', { group, message }) as Promise<void>;
  }

  /** channels_redis's `consistent_hash` of `name`. */
  shardOf(name: string): Promise<number> {
    return this.call('shard_of', { name }) as Promise<number>;
  }

  /** Kills the process; calls still waiting are rejected. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null) {
      return;
    }
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGKILL');
    await exited;
  }

  private call(op: string, args: object): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.child.stdin.write(`${JSON.stringify({ id, op, ...args })}\n`);
    });
  }
}
