import { join } from 'node:path';

/** The repository root, from `dist-bench/bench/targets/`. */
export const ROOT = join(__dirname, '..', '..', '..');

/** Compiled bench files (this folder, once built). */
export const BENCH_TARGETS_DIR = __dirname;

/** The Python that has Debian's python3-django-channels & co. */
export const PYTHON = process.env.BENCH_PYTHON ?? '/usr/bin/python3';
