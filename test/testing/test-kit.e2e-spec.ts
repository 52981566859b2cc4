import { Module } from '@nestjs/common';
import { type OnGatewayDisconnect, WebSocketGateway } from '@nestjs/websockets';
import type { WebSocket } from 'ws';
import {
  ChannelLayer,
  ChannelLayerModule,
  ChannelHandler,
  ConsumerConnection,
  ConsumersModule,
  HandshakeRefusedError,
  type ConsumerGateway,
  type ChannelMessage,
} from '../../src';
import {
  ReceiveTimeoutError,
  startTestApp,
  UnexpectedFrameError,
  WsClosedError,
  WsRefusedError,
  type TestApplication,
} from '../../src/testing';

/**
 * A frame is group-sent to everyone; `close` closes the sender, after two
 * frames if asked. Nest's own `handleDisconnect` tells who left.
 */
@WebSocketGateway({ path: '/ws/kit/:name' })
class KitGateway implements ConsumerGateway, OnGatewayDisconnect {
  private readonly leaving = new Map<string, () => void>();

  constructor(private readonly layer: ChannelLayer) {}

  /** Resolves once Nest's `handleDisconnect` hears that `name` left. */
  left(name: string): Promise<void> {
    return new Promise((resolve) => this.leaving.set(name, resolve));
  }

  handleDisconnect(client: WebSocket): void {
    const name = ConsumerConnection.of(client)?.params.name ?? '';
    this.leaving.get(name)?.();
  }

  async connect(connection: ConsumerConnection): Promise<void> {
    if (connection.params.name === 'refused') {
      throw new HandshakeRefusedError(418, 'No');
    }
    await this.layer.groupAdd('kit', connection.channel);
  }

  async disconnect(connection: ConsumerConnection): Promise<void> {
    await this.layer.groupDiscard('kit', connection.channel);
  }

  async receive(
    connection: ConsumerConnection,
    data: string | Buffer,
  ): Promise<void> {
    const frame = String(data);
    if (frame === 'twice, then close') {
      connection.sendJson({ n: 1 });
      connection.sendJson({ n: 2 });
    }
    if (frame.endsWith('close')) {
      connection.close(4000, 'asked');
      return;
    }
    await this.layer.groupSend('kit', {
      type: 'kit.text',
      text: frame,
    });
  }

  @ChannelHandler('kit.text')
  kitText(connection: ConsumerConnection, message: ChannelMessage): void {
    connection.sendJson({ text: message.text });
  }
}

/** A module configured for a Redis nobody runs: the kit's memory layer replaces it. */
@Module({
  imports: [
    ChannelLayerModule.forRoot({
      backend: 'redis',
      hosts: ['redis://127.0.0.1:1'],
    }),
    ConsumersModule,
  ],
  providers: [KitGateway],
})
class KitModule {}

describe('The test kit (nest-channels/testing)', () => {
  let app: TestApplication;

  beforeAll(async () => {
    app = await startTestApp(KitModule);
  });

  afterAll(async () => {
    await app.close();
  });

  it('should run the module on the memory layer in place of its own', async () => {
    expect(app.app.get(ChannelLayer).constructor.name).toBe(
      'MemoryChannelLayer',
    );
    const alice = await app.connect('/ws/kit/alice');
    const bob = await app.connect('/ws/kit/bob');
    alice.sendRaw('hello');
    await expect(bob.receiveJson()).resolves.toEqual({ text: 'hello' });
    await expect(alice.receiveText()).resolves.toBe('{"text":"hello"}');
    alice.expectNothing();
    await expect(alice.disconnect()).resolves.toMatchObject({ code: 1005 });
    await bob.disconnect();
  });

  it('should name what came in UnexpectedFrameError', async () => {
    const carol = await app.connect('/ws/kit/carol');
    carol.sendRaw('twice, then close');
    // Frames arrive before the close, so both are here once it has come.
    await carol.closed;
    await expect(carol.receiveJson()).resolves.toEqual({ n: 1 });
    expect(() => carol.expectNothing()).toThrow(
      new UnexpectedFrameError(`${app.ws}/ws/kit/carol`, ['{"n":2}']),
    );
    carol.expectNothing();
  });

  it('should reject a receive with WsClosedError when the server closes', async () => {
    const dave = await app.connect('/ws/kit/dave');
    const waiting = dave.receiveJson();
    dave.sendRaw('close');
    await expect(waiting).rejects.toThrow(WsClosedError);
    await expect(dave.receiveJson()).rejects.toMatchObject({ code: 4000 });
  });

  it('should reject a receive with ReceiveTimeoutError naming the URL', async () => {
    const erin = await app.connect('/ws/kit/erin');
    await expect(erin.receiveJson({ timeoutMs: 10 })).rejects.toThrow(
      new ReceiveTimeoutError(`${app.ws}/ws/kit/erin`, 10),
    );
    await erin.disconnect();
  });

  it("should call Nest's handleDisconnect of a consumer gateway that has one", async () => {
    const gina = await app.connect('/ws/kit/gina');
    const left = app.app.get(KitGateway).left('gina');
    await gina.disconnect();
    await expect(left).resolves.toBeUndefined();
  });

  it('should give the handshake refusal status', async () => {
    await expect(app.refusalStatus('/ws/kit/refused')).resolves.toBe(418);
    await expect(app.refusalStatus('/ws/elsewhere')).resolves.toBe(404);
    await expect(app.connect('/ws/kit/refused')).rejects.toThrow(
      new WsRefusedError(418),
    );
    await expect(app.refusalStatus('/ws/kit/frank')).rejects.toThrow(
      'accepted the handshake',
    );
  });
});
