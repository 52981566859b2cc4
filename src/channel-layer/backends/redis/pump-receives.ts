import type { Logger } from '@nestjs/common';
import { setTimeout as pause } from 'node:timers/promises';
import { ChannelLayerClosedError } from '../../errors';
import type { ChannelMessage } from '../../interfaces/channel-message.interface';
import type { MessageListener } from '../../interfaces/message-listener.interface';

/** Milliseconds between retries of a failing receive. */
const RETRY_MS = 1_000;

/**
 * Listens to a channel whose messages can only be pulled (a named channel
 * that other processes' receives share, in Redis): one receive at a time,
 * each message awaited by `listener` (with `context`), until `signal` aborts or the layer
 * closes. A failing receive (Redis down) is retried.
 */
export async function pumpReceives<C>(
  channel: string,
  receive: (signal: AbortSignal) => Promise<ChannelMessage>,
  listener: MessageListener<C>,
  context: C,
  signal: AbortSignal,
  logger: Logger,
): Promise<void> {
  while (!signal.aborted) {
    let message: ChannelMessage;
    try {
      message = await receive(signal);
    } catch (error) {
      if (signal.aborted || error instanceof ChannelLayerClosedError) {
        return;
      }
      logger.warn(`receive failed, retrying: ${String(error)}`);
      await pause(RETRY_MS, undefined, { signal }).catch(() => undefined);
      continue;
    }
    try {
      await listener(message, channel, context);
    } catch (error) {
      logger.error(`listener failed: ${String(error)}`);
    }
  }
}
