/**
 * The path of an origin-form request target (`/a/b?c`), or undefined for
 * anything else: routes match paths only, and an absolute or malformed target
 * must be refused rather than matched.
 */
export function requestPath(url = '/'): string | undefined {
  if (!url.startsWith('/')) {
    return undefined;
  }
  try {
    return new URL(`http://localhost${url}`).pathname;
  } catch {
    return undefined;
  }
}
