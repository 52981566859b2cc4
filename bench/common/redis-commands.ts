import type { Redis } from 'ioredis';

/** Calls and time (µs, inside Redis) per command, from `INFO commandstats`. */
export type CommandStats = Record<string, { calls: number; usec: number }>;

/** A command's share of one fixed-load window. */
export interface CommandCost {
  command: string;
  /** Calls per message sent by the load generator. */
  perSend: number;
  /** Time Redis spent in the command per call, µs (scripts include what they call). */
  usecPerCall: number;
}

/** Redis's counters of every command it ran so far. */
export async function commandStats(client: Redis): Promise<CommandStats> {
  const stats: CommandStats = {};
  const info = await client.info('commandstats');
  for (const [, name, calls, usec] of info.matchAll(
    /^cmdstat_([^:]+):calls=(\d+),usec=(\d+)/gm,
  )) {
    stats[name] = { calls: Number(calls), usec: Number(usec) };
  }
  return stats;
}

/**
 * The commands Redis ran between two readings, costliest first: what a
 * target asks of Redis per message (a script or a plain PUBLISH, a pop per
 * arrival, …) explains its share of the CPU per delivery.
 */
export function commandCosts(
  before: CommandStats,
  after: CommandStats,
  sent: number,
): CommandCost[] {
  return (
    Object.entries(after)
      .map(([command, { calls, usec }]) => ({
        command,
        calls: calls - (before[command]?.calls ?? 0),
        usec: usec - (before[command]?.usec ?? 0),
      }))
      // `info` is this reading itself.
      .filter(
        ({ command, calls }) => command !== 'info' && calls > 0 && sent > 0,
      )
      .sort((a, b) => b.usec - a.usec)
      .map(({ command, calls, usec }) => ({
        command,
        perSend: calls / sent,
        usecPerCall: usec / calls,
      }))
  );
}
