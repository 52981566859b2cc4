/** A step of the handshake that outlasted its time. */
export class HandshakeTimeoutError extends Error {}

/** `promise`, or a `HandshakeTimeoutError` after `ms`. */
export async function withTimeout<T>(
  promise: Promise<T>,
  ms: number,
): Promise<T> {
  if (!Number.isFinite(ms)) {
    return promise;
  }
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new HandshakeTimeoutError()), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
