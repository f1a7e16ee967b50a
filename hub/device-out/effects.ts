// Carries out what the incident desk decided: pages, cancels and feedback go
// to devices at once; records and events go to the journal.
import type { Effect } from '../domain/incident-desk.js';
import type { HubMetrics } from '../metrics.js';
import type { Journal } from '../store/journal.js';
import type { Downlink } from './downlink.js';

export class EffectRunner {
  constructor(
    private readonly downlink: Downlink,
    private readonly journal: Journal,
    private readonly metrics: HubMetrics | undefined,
    /** Sees every batch after it is carried out (news for owners away from the shop). */
    private readonly observer?: (effects: readonly Effect[]) => void,
  ) {}

  /** `pressArrived` (performance.now()) times the pages a press causes, when metrics are on. */
  apply(effects: Effect[], pressArrived?: number): void {
    for (const effect of effects) {
      switch (effect.type) {
        case 'page': {
          const metrics = this.metrics;
          const written = metrics && pressArrived !== undefined ? () => metrics.alertWritten(pressArrived) : undefined;
          this.downlink.alert(effect.pager, { alert: effect.alert, written });
          break;
        }
        case 'cancel':
          this.downlink.cancel(effect.pager, effect.cancel);
          break;
        case 'feedback':
          this.downlink.feedback(effect.button, effect.feedback);
          break;
        case 'save':
          this.journal.submit({ op: 'incident', record: effect.incident });
          break;
        case 'event':
          this.journal.submit({ op: 'event', event: effect.event });
          break;
      }
    }
    if (effects.length > 0) this.observer?.(effects);
  }
}
