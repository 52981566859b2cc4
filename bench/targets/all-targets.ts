import { DjangoTarget } from './django.target';
import { NestAppTarget } from './nest-app.target';
import { RawWsTarget } from './raw-ws.target';
import { SocketIoTarget } from './socketio.target';
import type { Target } from './target';

/** The name every ratio is taken against. */
export const BASELINE = 'nest memory';

/**
 * Every target of `npm run bench`, in report order; `appEnv` (from `--env=`)
 * is extra environment for each of this app's targets.
 */
export function allTargets(
  appEnv: Readonly<Record<string, string>> = {},
): Target[] {
  return [
    new NestAppTarget('memory', appEnv),
    new NestAppTarget('redis', appEnv),
    new NestAppTarget('redis-pubsub', appEnv),
    new RawWsTarget(),
    new SocketIoTarget(2),
    new DjangoTarget('sync', 'core', 2),
    new DjangoTarget('async', 'core', 2),
    new DjangoTarget('async', 'pubsub', 2),
  ];
}
