/** `WsCommunicator.expectNothing` found frames that should not have come; it lists them. */
export class UnexpectedFrameError extends Error {
  constructor(
    readonly url: string,
    readonly frames: readonly string[],
  ) {
    super(
      `expected no frame from ${url}, got ${frames.length}: ${frames.join(', ')}`,
    );
  }

  override get name(): string {
    return 'UnexpectedFrameError';
  }
}
