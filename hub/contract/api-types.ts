// The JSON API's response shapes, shared by the hub's reports and the
// dashboard in the browser. Types only, no imports: the browser build reads it too.

export interface DailyLogRow {
  incident: number;
  kind: string;
  location: string;
  /** Local time "HH:mm:ss"; `openedIso` is the same instant with its UTC offset (two incidents at 02:30 on the autumn night differ there). */
  openedAt: string;
  openedIso: string;
  presses: number;
  paged: string;
  delivered: string;
  acknowledgedAt: string;
  acknowledgedBy: string;
  secondsToAcknowledge: number | null;
  /** When staff said at the button they were with the customer, and how long after the first press. */
  reachedAt: string;
  secondsToReach: number | null;
  escalations: number;
  retriggers: number;
  outcome: string;
  /** What went wrong, as staff chose it (a configured cause), or empty. */
  cause: string;
  resolvedAt: string;
  resolvedBy: string;
}

export interface DailyLog {
  date: string;
  timeZone: string;
  redPresses: number;
  greenPresses: number;
  /** Green presses per local hour 0-23. */
  greensByHour: number[];
  incidents: DailyLogRow[];
}

export interface PagedPager {
  pager: string;
  name: string;
  pagedAt: number;
  level: number;
  deliveredAt: number | null;
}

export interface OpenIncidentView {
  id: number;
  kind: string;
  source: string;
  location: string;
  count: number;
  openedAt: number;
  lastPressAt: number;
  level: number;
  paged: PagedPager[];
  acknowledgedAt: number | null;
  acknowledgedBy: string | null;
  holder: string | null;
  /** When staff said at the button they were with the customer. */
  reachedAt: number | null;
  retriggers: number;
  unrouted: boolean;
}

export interface TodayView {
  now: number;
  date: string;
  timeZone: string;
  /** Presses today. */
  red: number;
  green: number;
  /** Customers today: a burst of presses of one kind at one button counts once (docs/api.md). */
  customers: { red: number; green: number };
  incidents: number;
  open: OpenIncidentView[];
  /** Conditions above everything else, e.g. the hub's disk failing. */
  alarms: string[];
}

/**
 * What the live stream sends after the first view (`event: today-changes`):
 * today's fields as in `TodayView`, with `open` holding only the incidents
 * that opened or changed since the stream's previous message — a new one
 * whole, a changed one as its id and at least the fields that changed — and
 * `gone` the ids of those no longer open.
 */
export interface TodayChanges extends Omit<TodayView, 'open'> {
  open: (Partial<OpenIncidentView> & { id: number })[];
  gone: number[];
}

export interface ReactionStats {
  key: string;
  incidents: number;
  medianS: number | null;
  p95S: number | null;
}

export interface AnalyticsView {
  days: number;
  from: string;
  to: string;
  timeZone: string;
  targetS: number;
  /** [weekday 0 = Monday … 6][hour 0-23] press counts. */
  heatmap: { red: number[][]; green: number[][] };
  /** The hours of the day the site is open on some day (and any hour with presses): the heatmaps' columns. */
  openHours: number[];
  byStaff: ReactionStats[];
  byHour: ReactionStats[];
  /** Time to acknowledge (on the pager) and time to reach the customer (at the button), over all red incidents that have one. */
  toAcknowledge: ReactionStats;
  toReach: ReactionStats;
  redIncidents: number;
  /** Unhappy share of presses in these days and in as many days before, overall and per place. */
  change: { now: PressShare; before: PressShare; byPlace: { place: string; now: PressShare; before: PressShare }[] };
  /** What went wrong, most often first (red incidents with a cause). */
  causes: { cause: string; incidents: number }[];
  /** The change in one sentence an owner reads ("Unhappy presses fell from 14 % to 9 %…"). */
  summary: string;
  /** Share of red incidents acknowledged within the target (unacknowledged ones count as missed). */
  withinTarget: number | null;
  /** Share of resolved red incidents won back (see `recoveredMeans`; config `apologyRecovers`). */
  recovered: number | null;
  /** What "recovered" counts, in words for the page. */
  recoveredMeans: string;
}

export interface PressShare {
  red: number;
  green: number;
  /** red / (red + green), null without presses. */
  redShare: number | null;
}

export interface DeviceView {
  id: string;
  kind: 'button' | 'pager';
  label: string;
  location: string | null;
  online: boolean;
  onShift: boolean | null;
  lastSeenAt: number | null;
  batteryMv: number | null;
  /** Charge left (LiPo curve, shared/battery.ts); null without a battery reading. */
  batteryPercent: number | null;
  /** Minutes until empty at the present drain; null when unknown or not draining. */
  batteryMinutesLeft: number | null;
  rssi: number | null;
  firmware: string | null;
  outboxDepth: number | null;
  droppedPresses: number | null;
  hasSecret: boolean;
  /** Open device problems: "missing", "battery". */
  problems: string[];
  /** Part of the simulated shop, not real hardware. */
  simulated: boolean;
  /** The device's latest update over the air, or null. */
  update: DeviceUpdateView | null;
}

export interface DeviceUpdateView {
  id: number;
  what: 'firmware' | 'config';
  /** queued, waiting, sending, switching (restarting to install), done, rolled-back, refused, failed. */
  state: string;
  chunksSent: number;
  chunksTotal: number;
  /** Why it waits, how it ended. */
  detail: string | null;
  updatedAt: number;
}

export interface Me {
  username: string;
  role: 'owner' | 'manager' | 'viewer';
  site: string;
  timeZone: string;
  /** The simulated shop is running. */
  simulation: boolean;
  /** Cause categories to choose from when resolving (the configuration's `causes`). */
  causes: string[];
}

export interface SimulatedDeviceState {
  id: string;
  kind: 'button' | 'pager';
  label: string;
  running: boolean;
  led: boolean;
  motor: boolean;
  screen: string[];
}

export interface ShopState {
  running: boolean;
  devices: SimulatedDeviceState[];
}

/** Every error answer of the API; the codes are listed in hub/web/errors.ts and docs/api.md. */
export interface ErrorBody {
  error: { code: string; message: string };
}

/** GET /api/staff: the people and the pagers, as they stand today. */
export interface StaffView {
  people: { id: string; name: string; role: 'staff' | 'manager'; usualPager: string | null; days: string[] | null }[];
  pagers: { id: string; label: string; wearer: string | null; wearerName: string | null; swapped: boolean; onShift: boolean; online: boolean }[];
}

/** GET /api/incidents/:id: one incident and everything that happened to it. */
export interface IncidentDetail {
  id: number;
  kind: string;
  source: string;
  location: string;
  count: number;
  openedAt: number;
  lastPressAt: number;
  level: number;
  open: boolean;
  acknowledgedAt: number | null;
  acknowledgedBy: string | null;
  holder: string | null;
  reachedAt: number | null;
  resolvedAt: number | null;
  resolvedBy: string | null;
  outcome: string | null;
  cause: string | null;
  note: string | null;
  retriggers: number;
  /** Every event in order, with who (the person as the log kept them; for a dashboard user "olga (dashboard)"). */
  history: { at: number; type: string; pager: string | null; who: string | null; level: number | null; detail: string | null }[];
}

/** GET /api/history: incidents over a date range, filtered, with totals per period. */
export interface HistoryView {
  from: string;
  to: string;
  timeZone: string;
  per: 'day' | 'week' | 'month';
  /** Incidents matching, over the whole range; `incidents` is one page of them. */
  total: number;
  page: number;
  pages: number;
  totals: {
    period: string;
    presses: { red: number; green: number };
    /** The same counted as customers: presses of one kind at one button less than 30 s apart are one customer's. */
    customers: { red: number; green: number };
    incidents: number;
    resolved: number;
    recovered: number;
    medianAcknowledgeS: number | null;
    medianReachS: number | null;
  }[];
  incidents: {
    id: number;
    kind: string;
    source: string;
    location: string;
    /** ISO 8601 with the local UTC offset. */
    opened: string;
    presses: number;
    acknowledgedBy: string | null;
    secondsToAcknowledge: number | null;
    secondsToReach: number | null;
    outcome: string | null;
    cause: string | null;
    resolvedBy: string | null;
  }[];
}

/** A shop's figures for its calendar day (its time zone), sent to the head office at closing (hub/uplink/head-office-news.ts; GET /api/v1/summaries, the head office's site page). */
export interface DaySummary {
  day: string;
  red: number;
  green: number;
  customers: { red: number; green: number };
  complaints: number;
  /** Incidents still open at closing. */
  open: number;
}
