import { join } from 'node:path';

/** `public/` at the project root, from `src/` under ts-node/jest and from `dist/`. */
export const PUBLIC_DIR = join(__dirname, '..', 'public');
