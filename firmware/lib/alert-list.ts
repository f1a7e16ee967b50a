// The alerts a pager holds, oldest first: what it shows, and which one a
// short press acts on. An alert for an incident it holds replaces it (the hub
// sends the current state each time); a re-trigger asks for a new acknowledgement.

import type { Alert } from '../../shared/payloads.js';

export interface PagerAlert {
  alert: Alert;
  /** This pager has acknowledged it. */
  acknowledged: boolean;
}

export class AlertList {
  private items: PagerAlert[] = [];

  /** Takes an alert from the hub. */
  receive(alert: Alert): void {
    for (let i = 0; i < this.items.length; i++) {
      const held = this.items[i];
      if (held.alert.incident !== alert.incident) continue;
      held.alert = alert;
      if (alert.reason === 'retrigger') held.acknowledged = false;
      return;
    }
    this.items.push({ alert: alert, acknowledged: false });
  }

  /** The incident is closed or taken by someone else. */
  forget(incident: number): void {
    this.items = this.items.filter(function (held) {
      return held.alert.incident !== incident;
    });
  }

  /** What a short press acts on: the oldest alert not yet acknowledged here, else the oldest. */
  top(): PagerAlert | null {
    for (let i = 0; i < this.items.length; i++) if (!this.items[i].acknowledged) return this.items[i];
    return this.items.length > 0 ? this.items[0] : null;
  }

  /** Some alert still waits for this pager's acknowledgement. */
  waiting(): boolean {
    for (let i = 0; i < this.items.length; i++) if (!this.items[i].acknowledged) return true;
    return false;
  }

  count(): number {
    return this.items.length;
  }
}
