// The event loop's side of the "Today" read (store/read-ops.ts): asks the
// journal's worker for the day's facts and keeps the open incidents between
// reads, so that only those changed since the last answer cross the thread
// (open-incident-list.ts says why).
import type { OpenIncidentChanges, OpenIncidentJson } from './open-incident-list.js';
import type { TodayAnswer, TodayFacts, TodayRead } from './read-ops.js';

export class TodayReader {
  private version = 0;
  private readonly held = new Map<number, OpenIncidentJson>();

  /** `journal`: the journal (store/journal.ts), or in tests the worker's reads called directly. */
  constructor(private readonly journal: { read(op: TodayRead): Promise<TodayAnswer> }) {}

  /** How many incidents it holds: the open ones as of the last answer, no more. */
  get holding(): number {
    return this.held.size;
  }

  /** The facts of the "Today" view, with every open incident. */
  async facts(op: Omit<TodayRead, 'openSince'>): Promise<TodayFacts> {
    const answer = await this.journal.read({ ...op, openSince: this.version });
    return { ...answer, open: this.apply(answer.open) };
  }

  /**
   * Answers come in the order they were asked, each with what changed since
   * the version held when it was asked: a later one holds all an earlier one did.
   */
  private apply(changes: OpenIncidentChanges): OpenIncidentJson[] {
    for (const incident of changes.changed) this.held.set(incident.id, incident);
    const open: OpenIncidentJson[] = [];
    for (const id of changes.order) {
      const incident = this.held.get(id);
      if (incident) open.push(incident);
    }
    // Gone ones go; one missing (never seen here: a bug) makes the next read whole.
    if (this.held.size > open.length) {
      const now = new Set(changes.order);
      for (const id of [...this.held.keys()]) if (!now.has(id)) this.held.delete(id);
    }
    this.version = open.length === changes.order.length ? changes.version : 0;
    return open;
  }
}
