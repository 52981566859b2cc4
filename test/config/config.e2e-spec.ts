import { spawn } from 'node:child_process';
import { join } from 'node:path';

const MAIN = join(__dirname, '..', '..', 'dist', 'main.js');

/** Runs the built application with `env` until it exits. */
function run(
  env: Record<string, string>,
): Promise<{ code: number | null; stderr: string; stdout: string }> {
  const child = spawn(process.execPath, [MAIN], {
    env: { PATH: process.env.PATH ?? '', ...env },
  });
  let stderr = '';
  let stdout = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  return new Promise((resolve) =>
    child.on('exit', (code) => resolve({ code, stderr, stdout })),
  );
}

describe('Configuration at start (built app)', () => {
  it('should stop with one clear line per bad variable and a non-zero exit', async () => {
    const { code, stderr, stdout } = await run({
      PORT: 'eighty',
      CHANNEL_LAYER: 'kafka',
    });
    expect(code).toBe(1);
    expect(stderr).toBe(
      'Invalid configuration:\n' +
        '  PORT="eighty": must be an integer from 0 to 65535\n' +
        '  CHANNEL_LAYER="kafka": must be one of memory, redis, redis-pubsub\n',
    );
    expect(stdout).toBe('');
  });

  it('should stop with one line and exit 1 when it cannot listen', async () => {
    const { code, stderr } = await run({
      HOST: 'no-such-host.invalid',
      PORT: '0',
    });
    expect(code).toBe(1);
    expect(stderr).toMatch(/^Could not start: .*no-such-host\.invalid\n$/m);
    expect(stderr).not.toContain('    at ');
  });
});
