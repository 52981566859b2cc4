import { cpus } from 'node:os';

/** Which machine ran a bench: `2 × AMD EPYC, Node v20.20.2`. */
export function describeMachine(): string {
  const list = cpus();
  return `${list.length} × ${list[0]?.model.trim() ?? 'CPU'}, Node ${process.version}`;
}
