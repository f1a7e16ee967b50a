// How long each energy-hungry output of a simulated device was on, on the
// device's own clock (virtual in a power run): output pins from pin changes,
// the display from its controller's sleep/wake commands.
import type { PinChange, SimulatedDevice } from '../../firmware/shim/simulated-device.js';

export class OnTimeMeter {
  private readonly totals = new Map<string, number>();
  private readonly since = new Map<string, number>();
  /** How many times each output came on. */
  readonly starts = new Map<string, number>();

  constructor(
    private readonly device: SimulatedDevice,
    pins: Record<string, string>,
  ) {
    const nameOf = new Map(Object.entries(pins).map(([name, pin]) => [pin, name]));
    device.pinEvents.on('change', (change: PinChange) => {
      const name = nameOf.get(change.pin);
      if (name) this.set(name, change.value === 1);
    });
    device.pinEvents.on('display', (on: boolean) => this.set('display', on));
  }

  /** Seconds on so far (an output still on counts up to now). */
  seconds(name: string): number {
    const started = this.since.get(name);
    const running = started === undefined ? 0 : this.device.uptimeMs() - started;
    return ((this.totals.get(name) ?? 0) + running) / 1000;
  }

  private set(name: string, on: boolean): void {
    const now = this.device.uptimeMs();
    const started = this.since.get(name);
    if (on && started === undefined) {
      this.since.set(name, now);
      this.starts.set(name, (this.starts.get(name) ?? 0) + 1);
    } else if (!on && started !== undefined) {
      this.totals.set(name, (this.totals.get(name) ?? 0) + now - started);
      this.since.delete(name);
    }
  }
}
