import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A `package-lock.json` v3 entry, as much of it as the closure needs. */
interface LockEntry {
  version?: string;
  resolved?: string;
  integrity?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  [key: string]: unknown;
}

interface Manifest {
  name: string;
  version: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

const ROOT = join(__dirname, '../..');

/** Where Node would find `name` required from `location`: nearest `node_modules` upwards. */
function resolveIn(
  packages: Record<string, LockEntry>,
  location: string,
  name: string,
): string | undefined {
  let dir = location;
  for (;;) {
    const candidate = `${dir ? `${dir}/` : ''}node_modules/${name}`;
    if (packages[candidate]) {
      return candidate;
    }
    if (!dir) {
      return undefined;
    }
    const up = dir.lastIndexOf('/node_modules/');
    dir = up === -1 ? '' : dir.slice(0, up);
  }
}

/**
 * A lockfile for `app`, whose dependencies name the packed `nest-channels`
 * tarball (`file:…`), cut from this
 * repository's own lockfile: every package `npm ci` already put in the npm
 * cache, at the same versions and integrities, so the fixture installs with
 * `npm ci --offline` and no registry.
 */
export function offlineLockfile(
  app: Manifest,
  tarball: { file: string; integrity: string },
): object {
  const rootLock = JSON.parse(
    readFileSync(join(ROOT, 'package-lock.json'), 'utf8'),
  ) as { packages: Record<string, LockEntry> };
  const library = JSON.parse(
    readFileSync(join(ROOT, 'package.json'), 'utf8'),
  ) as Manifest & Pick<LockEntry, 'peerDependencies' | 'peerDependenciesMeta'>;
  const packages: Record<string, LockEntry> = {
    '': {
      name: app.name,
      version: app.version,
      dependencies: app.dependencies,
      devDependencies: app.devDependencies,
    },
  };
  const { 'nest-channels': _self, ...appDependencies } = app.dependencies ?? {};
  const pending: Array<[string, string]> = Object.keys({
    ...appDependencies,
    ...app.devDependencies,
    ...library.dependencies,
  }).map((name) => ['', name]);
  for (let next = pending.pop(); next; next = pending.pop()) {
    const location = resolveIn(rootLock.packages, next[0], next[1]);
    if (!location || packages[location]) {
      continue; // an optional dependency this platform did not install, or one already taken
    }
    // Which side (dev or not) a package is on was the repository's call; here
    // npm would recompute it, and nothing is omitted anyway.
    const {
      dev: _dev,
      devOptional: _devOptional,
      peer: _peer,
      ...entry
    } = rootLock.packages[location];
    packages[location] = entry;
    for (const name of Object.keys({
      ...entry.dependencies,
      ...entry.optionalDependencies,
    })) {
      pending.push([location, name]);
    }
  }
  packages['node_modules/nest-channels'] = {
    version: library.version,
    resolved: tarball.file,
    integrity: tarball.integrity,
    license: 'MIT',
    dependencies: library.dependencies,
    peerDependencies: library.peerDependencies,
    peerDependenciesMeta: library.peerDependenciesMeta,
  };
  return {
    name: app.name,
    version: app.version,
    lockfileVersion: 3,
    requires: true,
    packages,
  };
}
