// The daily e-mail to owners who are not in the shop: the day's complaints,
// how fast staff reacted, what is still open, which devices need attention,
// the complaints CSV attached. Sent once a day at `email.dailyAt` (local)
// over the configured SMTP server (nodemailer). The hub never waits on it:
// a digest that cannot be sent (no internet, a wrong password) is tried
// again every 10 minutes until the next day's, and the dashboard says so.
import nodemailer from 'nodemailer';
import { DateTime } from 'luxon';
import type { HubConfig } from '../config/schema.js';
import type { Logger } from '../log.js';
import { analyticsView, wonBack } from '../report/analytics.js';
import { percentile } from '../report/stats.js';
import { csvFileName, csvOptionsFor, logCsv } from '../report/csv-export.js';
import { dailyLog } from '../report/daily-log.js';
import { historyView } from '../report/history.js';
import { WEEKDAYS } from '../domain/opening-hours.js';
import type { ReportQueries } from '../store/report-queries.js';
import { phrase, type Phrase } from '../i18n/translate-options.js';

export type EmailSettings = NonNullable<HubConfig['email']>;

const RETRY_MS = 10 * 60_000;

export interface DigestDeps {
  reports: ReportQueries;
  log: Logger;
  config: () => HubConfig;
  nameOf: (pagerOrUser: string) => string;
  placeOf: (deviceId: string) => string;
  /** Devices needing attention now, in words ("Anna's pager: missing"). */
  deviceProblems: () => string[];
}

/** The digest of one local day, as an e-mail. */
export function digestMail(deps: DigestDeps, date: string, now: number): { subject: string; text: string; attachments: { filename: string; content: string }[] } {
  const config = deps.config();
  const log = dailyLog(deps.reports, date, config.timeZone, deps.nameOf);
  const complaints = log.incidents.filter((row) => row.kind === 'red');
  const open = log.incidents.filter((row) => row.outcome === 'open');
  const median = percentile(complaints.filter((row) => row.secondsToAcknowledge !== null).map((row) => row.secondsToAcknowledge!), 50);
  // Resolved with an outcome ("open": not resolved; "": closed without one), and won back by the owner's rule.
  const recovered = complaints.filter((row) => row.outcome !== 'open' && row.outcome !== '' && wonBack(row.outcome, config.apologyRecovers)).length;
  const week = analyticsView(deps.reports, now, 7, config.timeZone, config.reactionTargetS, deps.nameOf, deps.placeOf, config.apologyRecovers);
  const problems = deps.deviceProblems();
  const weekly = config.email?.weeklyOn !== undefined && WEEKDAYS[DateTime.fromISO(date, { zone: config.timeZone }).weekday - 1] === config.email.weeklyOn;
  const weekLines: string[] = [];
  if (weekly) {
    const from = DateTime.fromISO(date, { zone: config.timeZone }).minus({ days: 6 }).toFormat('yyyy-MM-dd');
    const days = historyView(deps.reports, { from, to: date, per: 'day', page: 1 }, config.timeZone, deps.nameOf, config.apologyRecovers);
    weekLines.push('', `The week ${from} to ${date}: ${days.total} incidents.`, ...days.totals.map((t) => `  ${t.period}  ${t.incidents} incidents, ${t.recovered} of ${t.resolved} won back${t.medianAcknowledgeS === null ? '' : `, acknowledged in ${t.medianAcknowledgeS} s`}`));
  }
  const lines = [
    `${config.site}, ${date} (${config.timeZone})`,
    '',
    `${log.redPresses} unhappy and ${log.greenPresses} happy presses; ${complaints.length} complaints, ${recovered} of them won back.`,
    median === null ? 'No complaint was acknowledged on a pager.' : `Staff acknowledged in ${median} s (median).`,
    week.summary,
    '',
    open.length === 0 ? 'Nothing is still open.' : `Still open (${open.length}):`,
    ...open.map((row) => `  - ${row.openedAt} ${row.location} (${row.kind}, ${row.presses} presses)`),
    '',
    problems.length === 0 ? 'Every device is fine.' : 'Devices needing attention:',
    ...problems.map((problem) => `  - ${problem}`),
    ...weekLines,
    '',
    'The complaints of the day are attached as a spreadsheet (CSV).',
  ];
  return {
    subject: `${config.site}: ${complaints.length} complaint${complaints.length === 1 ? '' : 's'} on ${date}${open.length > 0 ? `, ${open.length} still open` : ''}${weekly ? ' (with the week)' : ''}`,
    text: lines.join('\n'),
    attachments: [{ filename: csvFileName('complaints', date), content: logCsv(log, 'complaints', csvOptionsFor(undefined)) }],
  };
}

export class EmailDigest {
  private sentFor: string | null = null;
  private nextTryAt = 0;
  private sending = false;
  private failure: { date: string; error: string } | null = null;

  constructor(private readonly deps: DigestDeps) {}

  /** Sends today's digest when it is due and not sent yet; the promise of it (tests wait on it), or null. */
  tick(now: number): Promise<void> | null {
    const settings = this.deps.config().email;
    if (!settings || this.sending || now < this.nextTryAt) return null;
    const local = DateTime.fromMillis(now, { zone: this.deps.config().timeZone });
    const date = local.toFormat('yyyy-MM-dd');
    if (this.sentFor === date || local.toFormat('HH:mm') < settings.dailyAt) return null;
    this.sending = true;
    return this.send(settings, date, now).finally(() => {
      this.sending = false;
    });
  }

  /** What the dashboard shows while a digest waits to be sent. */
  messages(): Phrase[] {
    return this.failure ? [phrase('The e-mail digest for {{date}} is not sent yet ({{error}}): trying again every 10 minutes', this.failure)] : [];
  }

  private async send(settings: EmailSettings, date: string, now: number): Promise<void> {
    const mail = digestMail(this.deps, date, now);
    const transport = nodemailer.createTransport({
      host: settings.host,
      port: settings.port,
      secure: settings.secure,
      auth: settings.user ? { user: settings.user, pass: settings.password ?? '' } : undefined,
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 20_000,
    });
    try {
      await transport.sendMail({ from: settings.from, to: settings.to, ...mail });
      this.sentFor = date;
      this.failure = null;
      this.deps.log.info({ date, to: settings.to }, 'e-mail digest sent');
    } catch (error) {
      this.nextTryAt = now + RETRY_MS;
      this.failure = { date, error: (error as Error).message.split('\n')[0].slice(0, 200) };
      this.deps.log.warn({ date, error: this.failure.error }, 'e-mail digest not sent: trying again in 10 minutes');
    } finally {
      transport.close();
    }
  }
}
