import type { ChannelLayer } from '../../src/channel-layer';

/** A layer call held back by a test: it starts, then waits for `release()`. */
export interface HeldCall {
  /** Settles when the held call has been made. */
  readonly started: Promise<void>;
  /** Lets the held call go on to the real layer. */
  release(): void;
}

/**
 * Holds the next `groupAdd` or `groupDiscard` of `layer` until `release()`,
 * then runs the real one: a connect or disconnect step that takes as long as
 * the test wants, without timers.
 */
export function holdNextCall(
  layer: ChannelLayer,
  method: 'groupAdd' | 'groupDiscard',
): HeldCall {
  const real = layer[method].bind(layer);
  let release = (): void => undefined;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let start = (): void => undefined;
  const started = new Promise<void>((resolve) => (start = resolve));
  jest
    .spyOn(layer, method)
    .mockImplementationOnce(async (group: string, channel: string) => {
      start();
      await gate;
      return real(group, channel);
    });
  return { started, release };
}
