// The simulated shop's data is trial data: marked as it is written (presses
// of simulated devices, incidents opened while the simulation runs), shown
// only while the simulation runs, and removed by one "go live" that says
// what it removes. The shop's real history never mixes with it.
import type { Clock } from '../domain/clock.js';
import type { IncidentDesk } from '../domain/incident-desk.js';
import type { Logger } from '../log.js';
import type { Journal } from '../store/journal.js';
import type { OpenIncidentState } from '../store/log-store.js';
import type { Storage } from '../store/storage.js';

export interface TrialCounts {
  presses: number;
  incidents: number;
}

export class TrialData {
  private simulating = false;

  constructor(
    private readonly storage: Storage,
    private readonly desk: IncidentDesk,
    private readonly journal: Journal,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  /** Whether the simulated shop runs: what is made now is trial data, and the views show trial data only then. */
  setSimulating(simulating: boolean): void {
    this.simulating = simulating;
    this.desk.trial = simulating;
    this.storage.reports.showTrial = simulating;
  }

  /**
   * The open incidents to take back at start. A trial incident left open
   * when the simulation no longer runs is closed instead: its devices are
   * gone, and nobody could ever close it.
   */
  toRestore(open: OpenIncidentState[]): OpenIncidentState[] {
    if (this.simulating) return open;
    const now = this.clock.now();
    for (const { record } of open.filter((incident) => incident.record.trial)) {
      this.journal.submit({ op: 'incident', record: { ...record, resolvedAt: now, holder: null, note: 'trial data: the simulated shop has stopped' } });
    }
    return open.filter((incident) => !incident.record.trial);
  }

  counts(): TrialCounts {
    return this.storage.log.trialCounts();
  }

  /** Removes the trial data; refused while the simulated shop runs (it would only make more). Returns what was removed. */
  goLive(): TrialCounts | { refused: string } {
    if (this.simulating) return { refused: 'the simulated shop is still running: add your first real device, then go live' };
    const removed = this.storage.log.deleteTrial();
    this.log.info(removed, 'went live: trial data removed');
    return removed;
  }
}
