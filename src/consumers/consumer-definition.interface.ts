import type { ChannelMessage } from '../channel-layer';
import type { ConsumerGateway } from './consumer-gateway.interface';
import type { ConsumerConnection } from './consumer-connection';

/** A layer-message handler bound to its gateway. */
export type BoundChannelHandler = (
  connection: ConsumerConnection,
  message: ChannelMessage,
) => unknown;

/** What the runtime knows of one gateway: its route, lifecycle and handlers. */
export interface ConsumerDefinition {
  /** The gateway's `path` option, e.g. `/ws/chat/:room/`. */
  readonly path: string;
  /** Its class name, for logs. */
  readonly name: string;
  readonly gateway: ConsumerGateway;
  /** Handler key (`handlerKey(type)`) → handler. */
  readonly handlers: ReadonlyMap<string, BoundChannelHandler>;
  /**
   * The same handlers under the types their `@ChannelHandler` names, so that
   * a message of a declared type finds its handler without deriving its key.
   */
  readonly declared: ReadonlyMap<string, BoundChannelHandler>;
}
