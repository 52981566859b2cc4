import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The `node` arguments of the production start command, package.json's
 * `start:prod` (which docker/Dockerfile's CMD runs): its V8 flags and the
 * script, so that the topology tests and the bench start the app as the
 * image does.
 * @param root the repository's root (the bench runs from `dist-bench/`, so
 *   it cannot be found from this file's own folder)
 */
export function productionNodeArgs(root: string): string[] {
  const { scripts } = JSON.parse(
    readFileSync(join(root, 'package.json'), 'utf8'),
  ) as { scripts: Record<string, string> };
  const [command, ...args] = scripts['start:prod'].split(' ');
  if (command !== 'node') {
    throw new Error(
      `package.json's start:prod must run node, not "${scripts['start:prod']}"`,
    );
  }
  return args;
}
