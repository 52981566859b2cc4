import { MemoryChannelLayer } from './memory-channel-layer';

describe('MemoryChannelLayer', () => {
  let clock: number;
  let layer: MemoryChannelLayer;

  beforeEach(() => {
    clock = 1_000_000;
    layer = new MemoryChannelLayer({
      expiry: 60,
      groupExpiry: 300,
      capacity: 2,
      now: () => clock,
    });
  });

  afterEach(() => layer.close());

  it('should drop a message that waited longer than expiry', async () => {
    await layer.send('box', { type: 'old' });
    clock += 60_000;
    await layer.send('box', { type: 'new' });
    await expect(layer.receive('box')).resolves.toEqual({ type: 'new' });
  });

  it('should keep a message younger than expiry', async () => {
    await layer.send('box', { type: 'fresh' });
    clock += 59_999;
    await expect(layer.receive('box')).resolves.toEqual({ type: 'fresh' });
  });

  it('should not count expired messages against capacity', async () => {
    await layer.send('box', { type: 'a' });
    await layer.send('box', { type: 'b' });
    clock += 60_000;
    await expect(layer.send('box', { type: 'c' })).resolves.toBeUndefined();
  });

  it('should let a membership lapse after group expiry', async () => {
    await layer.groupAdd('room', 'member');
    clock += 300_001;
    await layer.groupSend('room', { type: 'late' });
    await layer.send('member', { type: 'direct' });
    await expect(layer.receive('member')).resolves.toEqual({ type: 'direct' });
  });

  it('should renew a membership on groupAdd', async () => {
    await layer.groupAdd('room', 'member');
    clock += 200_000;
    await layer.groupAdd('room', 'member');
    clock += 200_000;
    await layer.groupSend('room', { type: 'renewed' });
    await expect(layer.receive('member')).resolves.toEqual({ type: 'renewed' });
  });

  it('should deliver a copy, unaffected by later changes to the sent object', async () => {
    const message = { type: 'copy', items: [1] };
    await layer.send('box', message);
    message.items.push(2);
    await expect(layer.receive('box')).resolves.toEqual({
      type: 'copy',
      items: [1],
    });
  });
});
