import { DjangoTarget } from './django.target';
import { NestAppTarget } from './nest-app.target';
import { RawWsTarget } from './raw-ws.target';
import { SocketIoTarget } from './socketio.target';
import type { Target } from './target';

/** The name every ratio is taken against. */
export const BASELINE = 'nest memory';

/** Every target of `npm run bench`, in report order. */
export function allTargets(): Target[] {
  return [
    new NestAppTarget('memory', 1),
    new NestAppTarget('redis', 2),
    new NestAppTarget('redis-pubsub', 2),
    new RawWsTarget(),
    new SocketIoTarget(2),
    new DjangoTarget('sync', 'core', 2),
    new DjangoTarget('async', 'core', 2),
    new DjangoTarget('async', 'pubsub', 2),
  ];
}
