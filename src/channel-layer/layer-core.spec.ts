import { Logger } from '@nestjs/common';
import { ChannelLayerClosedError, InvalidChannelNameError } from './errors';
import type { LayerTransport } from './interfaces/layer-transport.interface';
import { LayerCore } from './layer-core';

describe('LayerCore', () => {
  let calls: string[];
  let reach: LayerTransport['reach'];
  let core: LayerCore;

  beforeEach(() => {
    calls = [];
    reach = (channel) => {
      calls.push(`reach ${channel}`);
      return undefined;
    };
    core = new LayerCore(
      { processId: 'p', token: () => 't' },
      {
        capacityOf: () => 10,
        expiryMs: 60_000,
        keepsUnopened: false,
        logger: new Logger('test'),
      },
      {
        reach: (channel, open) => reach?.(channel, open),
        release: (channel) => calls.push(`release ${channel}`),
        flush: async () => {
          calls.push('flush');
        },
        close: async () => {
          calls.push('close');
        },
      },
    );
  });

  it('should name a channel after its process and open it once reached', async () => {
    await expect(core.newChannel('chat')).resolves.toBe('chat.p!t');
    expect(calls).toEqual(['reach chat.p!t']);
    expect(core.mailboxes.isOpen('chat.p!t')).toBe(true);
  });

  it('should not open a channel the transport refuses to reach', async () => {
    reach = () => {
      throw new Error('foreign');
    };
    await expect(core.receive('x.q!1')).rejects.toThrow('foreign');
    expect(core.mailboxes.isOpen('x.q!1')).toBe(false);
  });

  it('should reject an invalid name before the transport sees it', async () => {
    await expect(core.receive('not valid')).rejects.toThrow(
      InvalidChannelNameError,
    );
    expect(calls).toEqual([]);
  });

  it('should tell the transport of a channel released on abort', async () => {
    const controller = new AbortController();
    const receiving = core.receive('a.p!1', { signal: controller.signal });
    controller.abort(new Error('gone'));
    await expect(receiving).rejects.toThrow('gone');
    expect(calls).toEqual(['reach a.p!1', 'release a.p!1']);
  });

  it('should flush the transport and drop what the mailboxes hold', async () => {
    await core.newChannel();
    core.mailboxes.deliver('specific.p!t', { type: 'kept' });
    await core.flush();
    core.mailboxes.deliver('specific.p!t', { type: 'after' });
    expect(calls).toContain('flush');
    await expect(core.receive('specific.p!t')).resolves.toEqual({
      type: 'after',
    });
  });

  it('should close the transport once and refuse everything after', async () => {
    await Promise.all([core.close(), core.close()]);
    expect(calls).toEqual(['close']);
    expect(() => core.checkSend('a', { type: 'x' })).toThrow(
      ChannelLayerClosedError,
    );
    await expect(core.newChannel()).rejects.toThrow(ChannelLayerClosedError);
  });
});
