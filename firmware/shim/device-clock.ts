// The simulated device's sense of time. Tests run it on the real clock; the
// power budget (scripts/power/) runs a whole shift on a virtual one that jumps
// from one timer to the next, so twelve hours take seconds. Either way the
// firmware sees only getTime(), setTimeout and setInterval (the Espruino API).

export type ClockTimer = object;

export interface DeviceClock {
  /** Milliseconds on this clock (only differences mean anything). */
  now(): number;
  setTimeout(callback: () => void, ms: number): ClockTimer;
  clearTimeout(timer: ClockTimer): void;
}

/** Node's timers and performance.now(). */
export const realClock: DeviceClock = {
  now: () => performance.now(),
  setTimeout: (callback, ms) => setTimeout(callback, Math.max(0, ms)),
  clearTimeout: (timer) => clearTimeout(timer as NodeJS.Timeout),
};

interface VirtualTimer {
  at: number;
  /** Orders timers due at the same moment as they were set (as Espruino's timer list does). */
  order: number;
  callback: () => void;
  cancelled: boolean;
}

/**
 * Time that moves only when told to. advanceTo() runs every timer due up to
 * that moment in time order, each with now() at its own due time, including
 * timers set by the callbacks it runs.
 */
export class VirtualClock implements DeviceClock {
  private current = 0;
  private counter = 0;
  private queue: VirtualTimer[] = [];

  now(): number {
    return this.current;
  }

  setTimeout(callback: () => void, ms: number): ClockTimer {
    const timer: VirtualTimer = { at: this.current + Math.max(0, ms), order: this.counter++, callback, cancelled: false };
    // Sorted insert from the back: most new timers are due after the ones waiting.
    let i = this.queue.length;
    while (i > 0 && (this.queue[i - 1].at > timer.at || (this.queue[i - 1].at === timer.at && this.queue[i - 1].order > timer.order))) i--;
    this.queue.splice(i, 0, timer);
    return timer;
  }

  clearTimeout(timer: ClockTimer): void {
    (timer as VirtualTimer).cancelled = true;
  }

  /** When the next timer is due, or null when none is waiting. */
  nextDue(): number | null {
    while (this.queue.length > 0 && this.queue[0].cancelled) this.queue.shift();
    return this.queue.length > 0 ? this.queue[0].at : null;
  }

  advanceTo(time: number): void {
    if (time < this.current) throw new Error(`the clock cannot go back (${time} < ${this.current})`);
    for (;;) {
      const due = this.nextDue();
      if (due === null || due > time) break;
      const timer = this.queue.shift()!;
      this.current = timer.at;
      timer.callback();
    }
    this.current = time;
  }
}
