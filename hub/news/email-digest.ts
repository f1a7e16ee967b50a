// The daily e-mail to owners who are not in the shop: the day's complaints,
// how fast staff reacted, what is still open, which devices need attention,
// the complaints CSV attached. Sent once a day at `email.dailyAt` (local)
// over the configured SMTP server (nodemailer). The hub never waits on it:
// a digest that cannot be sent (no internet, a wrong password) is tried
// again every 10 minutes until the next day's, and the dashboard says so.
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
import { phrase, translator, type Phrase } from '../i18n/translate.js';
import { KIND_WORDS } from '../i18n/words.js';

export type EmailSettings = NonNullable<HubConfig['email']>;

const RETRY_MS = 10 * 60_000;

export interface DigestDeps {
  reports: ReportQueries;
  log: Logger;
  config: () => HubConfig;
  nameOf: (pagerOrUser: string) => string;
  placeOf: (deviceId: string) => string;
  /** Devices needing attention now: the device's label and the problem's kind (missing, battery, storage). */
  deviceProblems: () => { device: string; kind: string }[];
}

/** The digest of one local day, as an e-mail. */
export function digestMail(deps: DigestDeps, date: string, now: number): { subject: string; text: string; attachments: { filename: string; content: string }[] } {
  const config = deps.config();
  const t = translator(config.language);
  const log = dailyLog(deps.reports, date, config.timeZone, deps.nameOf);
  const complaints = log.incidents.filter((row) => row.kind === 'red');
  const open = log.incidents.filter((row) => row.outcome === 'open');
  const median = percentile(complaints.filter((row) => row.secondsToAcknowledge !== null).map((row) => row.secondsToAcknowledge!), 50);
  // Resolved with an outcome ("open": not resolved; "": closed without one), and won back by the owner's rule.
  const recovered = complaints.filter((row) => row.outcome !== 'open' && row.outcome !== '' && wonBack(row.outcome, config.apologyRecovers)).length;
  const week = analyticsView(deps.reports, now, 7, config.timeZone, config.reactionTargetS, deps.nameOf, deps.placeOf, config.apologyRecovers, undefined, t);
  const problems = deps.deviceProblems();
  const weekly = config.email?.weeklyOn !== undefined && WEEKDAYS[DateTime.fromISO(date, { zone: config.timeZone }).weekday - 1] === config.email.weeklyOn;
  const weekLines: string[] = [];
  if (weekly) {
    const from = DateTime.fromISO(date, { zone: config.timeZone }).minus({ days: 6 }).toFormat('yyyy-MM-dd');
    const days = historyView(deps.reports, { from, to: date, per: 'day', page: 1 }, config.timeZone, deps.nameOf, config.apologyRecovers);
    weekLines.push(
      '',
      t('The week {{from}} to {{to}}: {{count}} incidents.', { from, to: date, count: days.total }),
      ...days.totals.map((total) => `  ${total.period}  ${t('{{count}} incidents, {{recovered}} of {{resolved}} won back', { count: total.incidents, recovered: total.recovered, resolved: total.resolved })}${total.medianAcknowledgeS === null ? '' : `, ${t('acknowledged in {{n}} s', { n: total.medianAcknowledgeS })}`}`),
    );
  }
  const lines = [
    `${config.site}, ${date} (${config.timeZone})`,
    '',
    t('{{red}} unhappy and {{green}} happy presses; {{complaints}} complaints, {{recovered}} of them won back.', { red: log.redPresses, green: log.greenPresses, complaints: complaints.length, recovered }),
    median === null ? t('No complaint was acknowledged on a pager.') : t('Staff acknowledged in {{n}} s (median).', { n: median }),
    week.summary,
    '',
    open.length === 0 ? t('Nothing is still open.') : t('Still open ({{n}}):', { n: open.length }),
    ...open.map((row) => `  - ${row.openedAt} ${row.location} (${t(KIND_WORDS[row.kind] ?? row.kind)}, ${t('{{count}} presses', { count: row.presses })})`),
    '',
    problems.length === 0 ? t('Every device is fine.') : t('Devices needing attention:'),
    ...problems.map((problem) => `  - ${problem.device}: ${t(KIND_WORDS[problem.kind] ?? problem.kind)}`),
    ...weekLines,
    '',
    t('The complaints of the day are attached as a spreadsheet (CSV).'),
  ];
  const subject = t('{{site}}: {{count}} complaints on {{date}}', { site: config.site, count: complaints.length, date }) + (open.length > 0 ? `, ${t('{{n}} still open', { n: open.length })}` : '') + (weekly ? ` ${t('(with the week)')}` : '');
  return {
    subject,
    text: lines.join('\n'),
    attachments: [{ filename: csvFileName('complaints', date), content: logCsv(log, 'complaints', csvOptionsFor(config.language), t) }],
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
    // Loaded when the first digest goes out, not at start (docs/benchmarks-findings.md §14).
    const { default: nodemailer } = await import('nodemailer');
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
