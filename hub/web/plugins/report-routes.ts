// The owner's views: today, the daily log (JSON and CSV), analytics, devices.
import type { FastifyPluginAsync } from 'fastify';
import type { AnalyticsView } from '../../contract/api-types.js';
import type { HubConfig } from '../../config/schema.js';
import type { DeviceDirectory } from '../../device-directory.js';
import type { BatteryOutlook } from '../../domain/battery-gauge.js';
import type { Clock } from '../../domain/clock.js';
import { dailyLog } from '../../report/daily-log.js';
import { historyView, type Period } from '../../report/history.js';
import { weeklyHours } from '../../config/schema.js';
import { csvFileName, csvOptionsFor, localeOf, logCsv, type CsvPart, type CsvSeparator } from '../../report/csv-export.js';
import { logXlsx } from '../../report/xlsx-export.js';
import { devicesView } from '../../report/devices.js';
import type { Storage } from '../../store/storage.js';
import { UpdateRequestError, queueUpdates } from '../../update-request.js';
import { requires } from '../permissions.js';
import { ApiError } from '../errors.js';
import type { Language } from '../../i18n/languages.js';
import { requestLanguage, requestTranslator } from '../request-language.js';

export interface ReportRouteOptions {
  storage: Storage;
  clock: Clock;
  config(): HubConfig;
  directory(): DeviceDirectory;
  batteryOutlook(deviceId: string): BatteryOutlook | null;
  /** The "Today" view as JSON text, as the live feed sends it. */
  today(language: Language): Promise<string>;
  /** The analytics of the last `days` local days, made off the event loop; `openHours`: whether the shop opens in each local hour (24). */
  analytics(days: number, openHours: boolean[], language: Language): Promise<AnalyticsView>;
  /** Whether the simulated shop runs (the dashboard shows its panel). */
  simulating(): boolean;
}

/** A local date, YYYY-MM-DD. */
const day = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' } as const;

/** The CSV's part (complaints or device problems), separator (else the locale's), and locale (else the browser's). */
const csvQuery = {
  type: 'object',
  properties: {
    date: day,
    part: { enum: ['complaints', 'devices'] },
    sep: { enum: [',', ';'] },
    lang: { type: 'string', pattern: '^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$' },
  },
  required: ['date'],
  additionalProperties: false,
} as const;
/** The workbook: no separator to choose. */
const xlsxQuery = { ...csvQuery, properties: { date: day, part: csvQuery.properties.part, lang: csvQuery.properties.lang } } as const;
interface HistoryQuerystring {
  from: string;
  to: string;
  per?: Period;
  page?: string;
  button?: string;
  place?: string;
  person?: string;
  outcome?: string;
  cause?: string;
  kind?: string;
}

const text = { type: 'string', minLength: 1, maxLength: 80 } as const;
const historyQuery = {
  type: 'object',
  properties: { from: day, to: day, per: { enum: ['day', 'week', 'month'] }, page: { type: 'string', pattern: '^[0-9]{1,6}$' }, button: text, place: text, person: text, outcome: text, cause: text, kind: text },
  required: ['from', 'to'],
  additionalProperties: false,
} as const;

/** The buttons a history is about: one button, the buttons at one place (their location, else label), both, or all (undefined). */
function sourcesFor(directory: DeviceDirectory, button?: string, place?: string): string[] | undefined {
  if (button === undefined && place === undefined) return undefined;
  return directory
    .all()
    .filter((d) => d.kind === 'button' && (button === undefined || d.id === button) && (place === undefined || directory.placeOf(d.id) === place))
    .map((d) => d.id);
}

const dateQuery = { type: 'object', properties: { date: day }, required: ['date'], additionalProperties: false } as const;
// Digits only: a numeric schema would let "1e999" through as Infinity (Ajv's coercion).
const daysQuery = { type: 'object', properties: { days: { type: 'string', pattern: '^[0-9]{1,2}$', default: '7' } }, additionalProperties: false } as const;

export const reportRoutes: FastifyPluginAsync<ReportRouteOptions> = async (app, options) => {
  const { storage, clock, config, directory } = options;
  const nameOf = (id: string) => directory().labelOf(id);
  const logOf = (date: string) => {
    try {
      return dailyLog(storage.reports, date, config().timeZone, nameOf);
    } catch (error) {
      throw new ApiError('bad-request', (error as Error).message);
    }
  };

  app.get('/api/me', async (request) => ({ ...request.user, site: config().site, timeZone: config().timeZone, simulation: options.simulating(), causes: config().causes }));
  app.get('/api/today', async (request, reply) => reply.type('application/json; charset=utf-8').send(await options.today(requestLanguage(request))));
  app.get<{ Querystring: { date: string } }>('/api/log', { schema: { querystring: dateQuery } }, async (request) => logOf(request.query.date));
  app.get<{ Querystring: { date: string; part?: CsvPart; sep?: CsvSeparator; lang?: string } }>('/api/log.csv', { schema: { querystring: csvQuery } }, async (request, reply) => {
    const { date, part = 'complaints', sep, lang } = request.query;
    const log = logOf(date);
    reply.header('Content-Type', 'text/csv; charset=utf-8');
    reply.header('Content-Disposition', `attachment; filename="${csvFileName(part, log.date)}"`);
    return logCsv(log, part, csvOptionsFor(lang ?? localeOf(request.headers['accept-language']), sep), requestTranslator(request));
  });
  app.get<{ Querystring: { date: string; part?: CsvPart; lang?: string } }>('/api/log.xlsx', { schema: { querystring: xlsxQuery } }, async (request, reply) => {
    const { date, part = 'complaints' } = request.query;
    const log = logOf(date);
    reply.header('Content-Type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    reply.header('Content-Disposition', `attachment; filename="${csvFileName(part, log.date, 'xlsx')}"`);
    return logXlsx(log, part, requestTranslator(request));
  });
  app.get<{ Querystring: HistoryQuerystring }>('/api/history', { schema: { querystring: historyQuery } }, async (request) => {
    const q = request.query;
    const sources = sourcesFor(directory(), q.button, q.place);
    try {
      return historyView(
        storage.reports,
        { from: q.from, to: q.to, per: q.per ?? 'day', page: Number(q.page ?? '1'), sources, kind: q.kind, outcome: q.outcome, cause: q.cause, person: q.person },
        config().timeZone,
        nameOf,
        config().apologyRecovers,
      );
    } catch (error) {
      throw new ApiError('bad-request', (error as Error).message);
    }
  });
  app.get<{ Querystring: { days: string } }>('/api/analytics', { schema: { querystring: daysQuery } }, async (request) => {
    const days = Number(request.query.days);
    if (days < 1 || days > 90) throw new ApiError('bad-request', 'days must be a whole number from 1 to 90');
    const hours = weeklyHours(config());
    // Open in an hour on some day: a range [from, to) in minutes overlaps it.
    const openHours = Array.from({ length: 24 }, (_, hour) => hours.some((day) => day.some(([from, to]) => from < (hour + 1) * 60 && to > hour * 60)));
    return options.analytics(days, openHours, requestLanguage(request));
  });
  app.get('/api/devices', async () => devicesView(storage.reports, storage.devices, directory(), options.batteryOutlook, storage.updates.latestByDevice()));
  // An update over the air with the firmware built in this package (loyalty-hub device update does more).
  app.post<{ Params: { id: string } }>(
    '/api/devices/:id/update',
    { preHandler: requires('administer'), schema: { params: { type: 'object', properties: { id: { type: 'string', maxLength: 32 } }, required: ['id'] } } },
    async (request, reply) => {
      if (directory().isSimulated(request.params.id)) throw new ApiError('bad-request', 'a simulated device runs the firmware in dist/ already');
      try {
        const [queued] = await queueUpdates(storage.updates, config(), { devices: [request.params.id], firmware: true }, clock.now());
        return reply.code(202).send({ id: queued.id });
      } catch (error) {
        if (error instanceof UpdateRequestError) throw new ApiError('bad-request', error.message);
        throw error;
      }
    },
  );
};
