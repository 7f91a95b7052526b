/**
 * Phases of one request's work, sent back in a `Server-Timing` header (shown by browsers' network
 * panels, read by `bench/scale`): `read;dur=812.3, import;dur=7410.0`. Durations are wall-clock
 * milliseconds, so a slow upload says which phase was slow.
 */
export class ServerTiming {
  private readonly phases: [string, number][] = [];

  /** Runs `work` and records how long it took under `name` (a token: letters, digits, `-`, `_`). */
  measure<T>(name: string, work: () => T): T {
    const started = performance.now();
    try {
      return work();
    } finally {
      this.phases.push([name, performance.now() - started]);
    }
  }

  /** `measure` for async work: the time until the promise settles. */
  async measureAsync<T>(name: string, work: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      return await work();
    } finally {
      this.phases.push([name, performance.now() - started]);
    }
  }

  /** The header's value: every phase in the order measured. */
  header(): string {
    return this.phases.map(([name, ms]) => `${name};dur=${ms.toFixed(1)}`).join(', ');
  }
}
