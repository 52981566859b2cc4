import pidusage from 'pidusage';

/** How often RSS is sampled for the peak. */
const SAMPLE_MS = 200;

/** One server process's figures. */
export interface ProcessFigures {
  /** Peak RSS in bytes since `resetPeaks`. */
  peakRss: number;
}

/**
 * Watches a target's server processes with pidusage: CPU time (for the CPU
 * seconds of a step) and peak RSS (sampled every 200 ms).
 */
export class ServerSampler {
  private readonly peaks = new Map<number, number>();
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly pids: readonly number[]) {
    this.timer = setInterval(() => void this.sample(), SAMPLE_MS);
    this.timer.unref();
  }

  /** CPU milliseconds each process has used so far, and their current RSS. */
  async snapshot(): Promise<{ cpuMs: number[]; rss: number[] }> {
    const stats = await pidusage([...this.pids]);
    const list = this.pids.map((pid) => stats[pid]);
    list.forEach((stat, index) => this.note(this.pids[index], stat.memory));
    return {
      cpuMs: list.map((stat) => stat.ctime),
      rss: list.map((stat) => stat.memory),
    };
  }

  resetPeaks(): void {
    this.peaks.clear();
  }

  /** Peak RSS per process since the last `resetPeaks`. */
  peakRss(): number[] {
    return this.pids.map((pid) => this.peaks.get(pid) ?? Number.NaN);
  }

  stop(): void {
    clearInterval(this.timer);
    pidusage.clear();
  }

  private async sample(): Promise<void> {
    try {
      await this.snapshot();
    } catch {
      // a process that just exited: the next sample or the run will say so
    }
  }

  private note(pid: number, rss: number): void {
    this.peaks.set(pid, Math.max(this.peaks.get(pid) ?? 0, rss));
  }
}
