import { Test } from '@nestjs/testing';
import { DiscoveryModule } from '@nestjs/core';
import { WebSocketGateway } from '@nestjs/websockets';
import { ChannelHandler } from './channel-handler.decorator';
import { ChannelHandlerExplorer } from './channel-handler.explorer';
import type { ConsumerConnection } from './consumer-connection';

@WebSocketGateway({ path: '/ws/room/:id/' })
class RoomGateway {
  readonly seen: string[] = [];

  @ChannelHandler('room.message')
  roomMessage(
    _connection: ConsumerConnection,
    message: { type: string },
  ): void {
    this.seen.push(message.type);
  }

  notAHandler(): void {}
}

@WebSocketGateway({ path: '/ws/twice/' })
class TwiceGateway {
  @ChannelHandler('a.b')
  first(): void {}

  @ChannelHandler('a_b')
  second(): void {}
}

async function explore(
  ...gateways: Array<new () => object>
): Promise<ChannelHandlerExplorer> {
  const moduleRef = await Test.createTestingModule({
    imports: [DiscoveryModule],
    providers: [ChannelHandlerExplorer, ...gateways],
  }).compile();
  await moduleRef.init();
  return moduleRef.get(ChannelHandlerExplorer);
}

describe('ChannelHandlerExplorer', () => {
  it('should map each @ChannelHandler type of a routed gateway to its bound method', async () => {
    const definition = (await explore(RoomGateway)).definitionFor(
      '/ws/room/:id/',
    );
    expect(definition?.name).toBe('RoomGateway');
    expect([...(definition?.handlers.keys() ?? [])]).toEqual(['room_message']);
    expect(definition?.declared.get('room.message')).toBe(
      definition?.handlers.get('room_message'),
    );
    await definition?.handlers.get('room_message')?.({} as ConsumerConnection, {
      type: 'room.message',
    });
    expect((definition?.gateway as RoomGateway).seen).toEqual(['room.message']);
  });

  it('should know nothing of paths no gateway routes', async () => {
    expect(
      (await explore(RoomGateway)).definitionFor('/ws/other/'),
    ).toBeUndefined();
  });

  it('should refuse two handlers for one type in one gateway', async () => {
    await expect(explore(TwiceGateway)).rejects.toThrow(
      'TwiceGateway: two @ChannelHandler methods for type "a_b"',
    );
  });
});
