import { Packr } from 'msgpackr';

/**
 * msgpack as Python's `msgpack.packb(use_bin_type=True)` / `unpackb(raw=False)`
 * read and write it: plain maps (no msgpackr records), minimal map headers,
 * bytes as bin. 64-bit integers are read as numbers, never BigInt, so every
 * message stays JSON-serializable (exact up to 2^53).
 */
export const PYTHON_MSGPACK = new Packr({
  useRecords: false,
  mapsAsObjects: true,
  variableMapSize: true,
  moreTypes: false,
  int64AsType: 'number',
});
