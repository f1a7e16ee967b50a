// Plays on/off patterns on an output (the LED, the vibration motor):
// [on ms, off ms, on ms, …], once or repeated. A new pattern replaces the old.

export interface PatternTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(id: unknown): void;
}

export class PatternPlayer {
  private timer: unknown = null;
  private generation = 0;

  constructor(
    private readonly output: (on: boolean) => void,
    private readonly timers: PatternTimers,
  ) {}

  /** `onDone` runs when a pattern that does not repeat has finished (not when it is replaced). */
  play(steps: number[], repeat: boolean, onDone?: () => void): void {
    this.stop();
    const generation = this.generation;
    let index = 0;
    const step = (): void => {
      if (generation !== this.generation) return;
      if (index >= steps.length) {
        if (!repeat) {
          this.timer = null;
          this.output(false);
          if (onDone) onDone();
          return;
        }
        index = 0;
      }
      this.output(index % 2 === 0);
      const duration = steps[index++];
      this.timer = this.timers.setTimeout(step, duration);
    };
    step();
  }

  /** Steady on (or off) until the next pattern. */
  hold(on: boolean): void {
    this.stop();
    this.output(on);
  }

  stop(): void {
    this.generation++;
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = null;
    this.output(false);
  }
}
