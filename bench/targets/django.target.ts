import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { launch } from './launch';
import { PYTHON, ROOT } from './paths';
import type { RunningTarget, Target } from './target';

/** Where `bench_chat` (settings, routing, the tutorial's consumers) lives. */
const PROJECT_DIR = join(ROOT, 'bench', 'targets', 'django');
let missing: string | undefined | null = null;

/** Whether Debian's python3-django-channels, -channels-redis and -daphne are importable. */
function missingPackages(): string | undefined {
  if (missing === null) {
    const probe = spawnSync(
      PYTHON,
      ['-c', 'import channels, channels_redis, daphne, django'],
      { encoding: 'utf8', timeout: 20_000 },
    );
    missing =
      probe.status === 0
        ? undefined
        : `${PYTHON} cannot import channels, channels_redis, daphne (apt-get install -y python3-django-channels python3-daphne python3-channels-redis)`;
  }
  return missing;
}

/** Django Channels 4 + channels_redis under daphne, one consumer and one layer. */
export class DjangoTarget implements Target {
  readonly name: string;
  readonly protocol = 'chat';
  readonly usesRedis = true;
  readonly heapProbe = false;

  constructor(
    private readonly consumer: 'sync' | 'async',
    private readonly layer: 'core' | 'pubsub',
    readonly processes: number,
  ) {
    this.name = `django ${consumer} ${layer}`;
  }

  unavailable(): string | undefined {
    return missingPackages();
  }

  start(redisUrl: string): Promise<RunningTarget> {
    return launch(this.processes, {
      command: PYTHON,
      args: (port) => [
        '-m',
        'daphne',
        '-v',
        '0',
        '-b',
        '127.0.0.1',
        '-p',
        String(port),
        'bench_chat.asgi:application',
      ],
      cwd: PROJECT_DIR,
      env: () => ({
        DJANGO_SETTINGS_MODULE: 'bench_chat.settings',
        PYTHONPATH: PROJECT_DIR,
        BENCH_CONSUMER: this.consumer,
        BENCH_LAYER: this.layer,
        REDIS_URL: redisUrl,
      }),
      readyTimeoutMs: 30_000,
    });
  }
}
