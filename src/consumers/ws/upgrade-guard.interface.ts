import type { IncomingMessage } from 'node:http';

/** Why an upgrade is refused: an HTTP status and a line of text for the client. */
export interface UpgradeRefusal {
  readonly status: number;
  readonly reason: string;
}

/** Decides on an upgrade request before its gateway runs: a refusal, or nothing to let it through. */
export type UpgradeGuard = (request: IncomingMessage) => UpgradeRefusal | void;
