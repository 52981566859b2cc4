import { execFile } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { offlineLockfile } from '../helpers/offline-lockfile';

const execFileAsync = promisify(execFile);

/** Runs a command; a failure carries its output, so CI shows why. */
async function run(
  command: string,
  args: string[],
  options: { cwd: string; maxBuffer?: number },
): Promise<{ stdout: string }> {
  try {
    return await execFileAsync(command, args, options);
  } catch (error) {
    const { stdout = '', stderr = '' } = error as {
      stdout?: string;
      stderr?: string;
    };
    throw new Error(
      `${command} ${args.join(' ')} failed:\n${stdout}\n${stderr}`,
      { cause: error },
    );
  }
}
const ROOT = join(__dirname, '../..');
const FIXTURE = join(ROOT, 'test/fixtures/consumer-app');

/** What `npm pack --json` says of the tarball it wrote. */
interface PackResult {
  filename: string;
  integrity: string;
  files: Array<{ path: string }>;
}

describe('The packed nest-channels package (e2e)', () => {
  let work: string;
  let packed: PackResult;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'nest-channels-package-'));
    if (!existsSync(join(ROOT, 'dist/lib/index.js'))) {
      throw new Error('dist/lib is missing: run npm run build:lib first');
    }
    // The library is built beforehand (npm run test:e2e does), as dist/main.js
    // is for the topology tests: prepack would rebuild it inside the test.
    const { stdout } = await run(
      'npm',
      ['pack', '--ignore-scripts', '--json', '--pack-destination', work],
      { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 },
    );
    [packed] = JSON.parse(stdout) as PackResult[];
  });

  afterAll(() => {
    rmSync(work, { recursive: true, force: true });
  });

  it('should hold the library and its declarations, and no app code', () => {
    const paths = packed.files.map((file) => file.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'package.json',
        'dist/lib/index.js',
        'dist/lib/index.d.ts',
        'dist/lib/testing/index.js',
        'dist/lib/testing/index.d.ts',
      ]),
    );
    const outside = paths.filter(
      (path) =>
        !/^dist\/lib\/(index|channel-layer\/|consumers\/|testing\/)/.test(
          path,
        ) && !['package.json', 'README.md', 'LICENSE'].includes(path),
    );
    expect(outside).toEqual([]);
  });

  it('should install into a fresh Nest app whose own gateway test passes', async () => {
    const app = join(work, 'consumer-app');
    cpSync(FIXTURE, app, { recursive: true });
    const manifest = JSON.parse(
      readFileSync(join(app, 'package.json'), 'utf8'),
    ) as Parameters<typeof offlineLockfile>[0];
    const tarball = `file:../${packed.filename}`;
    manifest.dependencies = {
      ...manifest.dependencies,
      'nest-channels': tarball,
    };
    writeFileSync(join(app, 'package.json'), JSON.stringify(manifest));
    const lock = offlineLockfile(manifest, {
      file: tarball,
      integrity: packed.integrity,
    });
    writeFileSync(join(app, 'package-lock.json'), JSON.stringify(lock));
    await run(
      'npm',
      ['ci', '--offline', '--ignore-scripts', '--no-audit', '--no-fund'],
      { cwd: app },
    );
    const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
    await run(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: app });
    const { stdout } = await run(
      process.execPath,
      ['--test', 'dist/test/echo.e2e.js'],
      { cwd: app },
    );
    expect(stdout).toMatch(/^# pass 2$/m);
    expect(stdout).toMatch(/^# fail 0$/m);
  }, 300_000); // a bound, not a pace: npm ci and tsc share the machine
});
