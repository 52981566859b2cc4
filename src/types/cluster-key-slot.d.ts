/** `cluster-key-slot` (the slot function ioredis routes with) ships no types. */
declare module 'cluster-key-slot' {
  /** The Redis Cluster hash slot of `key` (CRC16 of its hash tag, mod 16,384). */
  function calculateSlot(key: string | Buffer): number;
  export = calculateSlot;
}
