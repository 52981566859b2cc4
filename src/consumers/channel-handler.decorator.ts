import { SetMetadata } from '@nestjs/common';
import { CHANNEL_HANDLER_METADATA } from './consumers.constants';

/**
 * Marks a gateway method as the handler of layer messages of `type`, as a
 * Channels consumer's `chat_message` method handles `chat.message`: the method
 * is called as `(connection, message)`. Only marked methods can be handlers.
 *
 * @example @ChannelHandler('chat.message') chatMessage(connection: ConsumerConnection, message: ChannelMessage) {}
 */
export const ChannelHandler = (type: string): MethodDecorator =>
  SetMetadata(CHANNEL_HANDLER_METADATA, type);
