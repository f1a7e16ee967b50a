// Mood alerts (HappyOrNot's "real-time alerts"): when the share of unhappy
// presses at a place passes a threshold within a window, with enough presses
// to mean something, the managers hear it once per window. Pure: told each
// press and when it was made.

export interface MoodSettings {
  /** Off when false. */
  enabled: boolean;
  windowMs: number;
  /** Presses within the window before a share means anything. */
  minResponses: number;
  /** Share of red presses (0-1) at or above which the alert goes. */
  redShare: number;
}

export interface MoodAlert {
  /** The place: a button's location, or the button when it has none. */
  place: string;
  red: number;
  total: number;
}

interface Press {
  at: number;
  red: boolean;
  key: string;
}

/** A place's presses within the window, oldest first, with their count of reds kept as they come and go. */
interface Window {
  presses: Press[];
  keys: Set<string>;
  reds: number;
}

export class MoodWatch {
  private readonly windows = new Map<string, Window>();
  private readonly alertedAt = new Map<string, number>();

  constructor(private settings: MoodSettings) {}

  reconfigure(settings: MoodSettings): void {
    this.settings = settings;
  }

  /** A press at `place`; the alert to raise now, or null. `key` identifies the press (button and sequence number): counted once. */
  press(place: string, key: string, red: boolean, at: number): MoodAlert | null {
    if (!this.settings.enabled) return null;
    let window = this.windows.get(place);
    if (!window) {
      window = { presses: [], keys: new Set(), reds: 0 };
      this.windows.set(place, window);
    }
    // On the press path: trimmed from the front, counted as it goes, no scan of the window.
    while (window.presses.length > 0 && at - window.presses[0].at >= this.settings.windowMs) {
      const old = window.presses.shift()!;
      window.keys.delete(old.key);
      if (old.red) window.reds--;
    }
    if (!window.keys.has(key)) {
      window.presses.push({ at, red, key });
      window.keys.add(key);
      if (red) window.reds++;
    }
    const total = window.presses.length;
    const reds = window.reds;
    if (total < this.settings.minResponses || reds / total < this.settings.redShare) return null;
    const last = this.alertedAt.get(place);
    if (last !== undefined && at - last < this.settings.windowMs) return null; // once per window
    this.alertedAt.set(place, at);
    return { place, red: reds, total };
  }
}
