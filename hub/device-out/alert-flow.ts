// Flow control for count updates: at most one unacknowledged count update per
// pager and incident on the wire.
//
// An alert is idempotent per incident (the pager replaces what it shows for
// that id), so when a button is pressed faster than a pager acknowledges
// (PUBACK), sending every intermediate count only queues work: the hub holds
// the newest update and sends it when the pager acknowledges the previous
// alert of that incident. Every other alert (new, re-buzz, escalation,
// re-trigger, resend) goes at once and replaces a held update, since it
// carries the current count too. A pager that goes offline gets the current
// state of its incidents from the desk when it returns, so what was held for
// it is dropped.
import type { Alert } from '../../shared/payloads.js';

export interface HeldAlert {
  alert: Alert;
  /** Runs when the alert's bytes reach the pager's socket (latency metrics). */
  written?: () => void;
}

export class AlertFlow {
  /** Per pager, the incidents with an alert on the wire, and the update held for each (if any). */
  private readonly pagers = new Map<string, Map<number, HeldAlert | null>>();

  /** Whether `alert` for `pager` goes out now; if not, it is held until the pager acknowledges. */
  offer(pager: string, held: HeldAlert): boolean {
    let incidents = this.pagers.get(pager);
    if (!incidents) {
      incidents = new Map();
      this.pagers.set(pager, incidents);
    }
    const incident = held.alert.incident;
    if (held.alert.reason === 'update' && incidents.has(incident)) {
      incidents.set(incident, held);
      return false;
    }
    incidents.set(incident, null);
    return true;
  }

  /** `pager` acknowledged an alert of `incident`: the held update to send now, if any. */
  acknowledged(pager: string, incident: number): HeldAlert | undefined {
    const incidents = this.pagers.get(pager);
    const held = incidents?.get(incident);
    if (held) {
      incidents!.set(incident, null); // it goes on the wire now
      return held;
    }
    incidents?.delete(incident);
    return undefined;
  }

  /** `pager` has no connection any more. */
  pagerGone(pager: string): void {
    this.pagers.delete(pager);
  }
}
