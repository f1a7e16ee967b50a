// The dashboard's hands on incidents, carried out on the incident desk: the
// request is checked against the configuration (a pager, a button, a
// configured cause), the desk decides, its effects go out to the pagers and
// the log as a pager's would, and each action is logged with who did it.
import type { Outcome } from '../shared/payloads.js';
import type { IncidentDetail } from './contract/api-types.js';
import type { EffectRunner } from './device-out/effects.js';
import { actorName, type Effect, type IncidentDesk, type Refusal } from './domain/incident-desk.js';
import type { LiveConfig } from './live-config.js';
import type { Logger } from './log.js';
import type { Journal } from './store/journal.js';
import type { ReportQueries } from './store/report-queries.js';
import type { IncidentActions } from './web/plugins/incident-routes.js';

export interface DeskActionsDeps {
  desk: IncidentDesk;
  effects: EffectRunner;
  live: LiveConfig;
  reports: ReportQueries;
  journal: Journal;
  log: Logger;
}

export class DeskActions implements IncidentActions {
  constructor(private readonly deps: DeskActionsDeps) {}

  async acknowledge(user: string, incident: number): Promise<string | null> {
    return this.carryOut(user, 'acknowledge', incident, this.deps.desk.acknowledgeBy(user, incident));
  }

  async resolve(user: string, incident: number, outcome: Outcome, cause: string | null, note: string | null): Promise<string | null> {
    const causes = this.deps.live.config.causes;
    if (cause !== null && !causes.includes(cause)) return `"${cause}" is not one of the causes (${causes.join(', ')})`;
    return this.carryOut(user, 'resolve', incident, this.deps.desk.resolveBy(user, incident, outcome, cause, note));
  }

  async close(user: string, incident: number, reason: string): Promise<string | null> {
    if (!reason) return 'say why it is closed without an outcome';
    return this.carryOut(user, 'close', incident, this.deps.desk.closeBy(user, incident, reason));
  }

  async reassign(user: string, incident: number, pager: string): Promise<string | null> {
    if (this.deps.live.directory.kindOf(pager) !== 'pager') return `"${pager}" is not a pager`;
    return this.carryOut(user, 'reassign', incident, this.deps.desk.reassign(user, incident, pager));
  }

  async mute(user: string, button: string, minutes: number): Promise<string | null> {
    if (this.deps.live.directory.kindOf(button) !== 'button') return `"${button}" is not a button`;
    this.deps.effects.apply(this.deps.desk.muteButton(user, button, minutes * 60_000));
    this.deps.log.info({ user, button, minutes }, minutes > 0 ? 'button muted from the dashboard' : 'button unmuted from the dashboard');
    await this.committed();
    return null;
  }

  detail(id: number): IncidentDetail | null {
    const found = this.deps.reports.incident(id);
    if (!found) return null;
    const { incident: r, history } = found;
    const name = (id: string | null) => (id === null ? null : actorName(id, (pager) => this.deps.live.directory.personOf(pager)));
    return {
      id: r.id,
      kind: r.kind,
      source: r.source,
      location: r.label,
      count: r.count,
      openedAt: r.opened_at,
      lastPressAt: r.last_press_at,
      level: r.level,
      open: r.resolved_at === null,
      acknowledgedAt: r.acknowledged_at,
      acknowledgedBy: r.acknowledged_person ?? name(r.acknowledged_by),
      holder: name(r.holder),
      reachedAt: r.reached_at,
      resolvedAt: r.resolved_at,
      resolvedBy: r.resolved_person ?? name(r.resolved_by),
      outcome: r.outcome,
      cause: r.cause,
      note: r.note,
      retriggers: r.retriggers,
      history: history.map((e) => ({ at: e.at, type: e.type, pager: e.pager, who: e.person ?? name(e.pager), level: e.level, detail: e.detail })),
    };
  }

  private async carryOut(user: string, action: string, incident: number, result: Effect[] | Refusal): Promise<string | null> {
    if (!Array.isArray(result)) return result.refused;
    this.deps.effects.apply(result);
    this.deps.log.info({ user, action, incident }, 'incident handled on the dashboard');
    await this.committed();
    return null;
  }

  /** Resolves once everything submitted so far is on disk (the answer then shows it); a failed commit is the storage alarm's to report. */
  private committed(): Promise<void> {
    return new Promise((resolve) => this.deps.journal.submit({ op: 'barrier' }, () => resolve()));
  }
}
