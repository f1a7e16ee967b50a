// The hub's configuration file: schema, defaults and cross-field checks.
import { z } from 'zod';
import { MAX_ID_CHARS, MAX_LABEL_CHARS, OUTBOX_CAPACITY, PRESS_BURST, PRESS_RATE_PER_SECOND, isValidId } from '../../shared/limits.js';
import { WEEKDAYS, parseRange, splitAtMidnight, type WeeklyHours } from '../domain/opening-hours.js';
import { LANGUAGES } from '../i18n/languages.js';

const id = z
  .string()
  .refine(isValidId, { message: `must be 1-${MAX_ID_CHARS} characters of a-z, 0-9 and '-', starting with a letter or digit` });

const label = z.string().min(1, 'must not be empty').max(MAX_LABEL_CHARS, `must be at most ${MAX_LABEL_CHARS} characters (the pager's display is small)`);

const port = z.number().int().min(0).max(65535);

/** The operating system's time zone ("Europe/Berlin"), or UTC when it names none. */
export function systemTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

const seconds = (fallback: number) => z.number().positive('must be more than 0 seconds').default(fallback);

const timeZone = z.string().refine(
  (zone) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: zone });
      return true;
    } catch {
      return false;
    }
  },
  { message: 'is not an IANA time zone (for example "Europe/Berlin")' },
);

const dayHours = z.array(z.string().refine((text) => parseRange(text) !== null, { message: 'must be "HH:MM-HH:MM" (a range may cross midnight: "18:00-02:00")' }));

const openingHours = z
  .object(Object.fromEntries(WEEKDAYS.map((day) => [day, dayHours.optional()])) as Record<(typeof WEEKDAYS)[number], z.ZodOptional<typeof dayHours>>)
  .strict();

const device = z
  .object({
    id,
    kind: z.enum(['button', 'pager']),
    label,
    location: z.string().max(80).optional(),
    /** A pager's display language (flashed and updated in it); default the shop's `language`. */
    language: z.enum(LANGUAGES).optional(),
  })
  .strict();

/** A member of staff: who wears a pager, what they may be sent, when they are scheduled. */
const person = z
  .object({
    id,
    name: label,
    /** Managers hear about device problems, late presses, mood alerts and what is open at closing. */
    role: z.enum(['staff', 'manager']).default('staff'),
    /** The pager this person usually wears: theirs at every opening (changeable for a day). */
    pager: id.optional(),
    /** Days this person works: their pager goes on shift at opening on these days. Left out: every day the site opens. */
    days: z.array(z.enum(WEEKDAYS)).optional(),
  })
  .strict();

/** What went wrong, chosen on the pager with the outcome: short, since the pager shows it large. */
export const MAX_CAUSE_CHARS = 10;
export const DEFAULT_CAUSES = ['Waiting', 'Food', 'Staff', 'Price', 'Not clean', 'Other'];
const cause = z.string().min(1, 'must not be empty').max(MAX_CAUSE_CHARS, `must be at most ${MAX_CAUSE_CHARS} characters (the pager shows it large)`);

const tiers = z.array(z.array(id).min(1, 'a tier needs at least one pager')).min(1, 'a route needs at least one tier');

export const configSchema = z
  .object({
    site: id.default('shop'),
    /** Without it, this computer's own zone (a hub in the shop runs on the shop's clock). */
    timeZone: timeZone.default(systemTimeZone),
    /** The shop's language: the e-mail digest, and the pagers' display unless a device says otherwise. */
    language: z.enum(LANGUAGES).default('en'),
    /** Days left out are closed. Without this key the site counts as always open. */
    openingHours: openingHours.optional(),
    dataDir: z.string().min(1).default('data'),
    mqtt: z
      .object({
        host: z.string().min(1).default('0.0.0.0'),
        port: port.default(1883),
        wsPort: port.default(8083),
      })
      .strict()
      .prefault({}),
    http: z
      .object({
        host: z.string().min(1).default('0.0.0.0'),
        port: port.default(8080),
        /** A dashboard or WebSocket connection that sends nothing for this long is closed. */
        idleTimeoutS: z.number().positive('must be more than 0 seconds').max(3600).default(30),
        /** Connections one address may hold open on the dashboard and on the WebSocket port each. */
        maxConnectionsPerSource: z.number().int().min(1).max(10_000).default(64),
        /** Names the dashboard answers to besides localhost, this machine's name and addresses (e.g. a DNS name for the hub). */
        allowedHosts: z.array(z.string().min(1).max(253)).max(50).default([]),
      })
      .strict()
      .prefault({}),
    /**
     * Optional TLS: with a certificate and its key (PEM files), the dashboard is served over HTTPS on http.port
     * and MQTT over TLS listens on mqttPort for devices that can afford it; plain MQTT stays on mqtt.port.
     */
    tls: z
      .object({
        certFile: z.string().min(1),
        keyFile: z.string().min(1),
        mqttPort: port.default(8883),
      })
      .strict()
      .optional(),
    /** Reaction target for the dashboard: a red incident acknowledged within this many seconds counts as on time. */
    reactionTargetS: z.number().positive('must be more than 0 seconds').default(60),
    /** Whether a complaint answered with an apology alone counts as a customer won back (Analytics' "recovered"). */
    apologyRecovers: z.boolean().default(true),
    timings: z
      .object({
        foldWindowS: seconds(60),
        rebuzzS: seconds(15),
        escalateS: seconds(30),
        retriggerS: seconds(180),
        /** A red press older than this when it reaches the hub is logged at its true time and shown to the managers, not paged as fresh. */
        latePressS: seconds(600),
        /** A count update vibrates a pager at most once per this long; in between the count changes quietly. */
        updateBuzzGapS: z.number().min(0).max(3600).default(20),
        /** A red press this soon after its incident was resolved re-opens it (back to whoever resolved it) instead of paging anew. */
        reopenWindowS: z.number().min(0).max(3600).default(10),
        offlineGraceS: seconds(20),
        /** "Mute this button" from a pager silences a hammered button for this many minutes (its presses are still logged). */
        muteMinutes: z.number().positive('must be more than 0 minutes').max(24 * 60).default(15),
        /** A device given new firmware or settings over the air rolls back unless it reaches the hub within this many seconds. */
        updateTrialS: z.number().int().min(5).max(3600).default(90),
      })
      .strict()
      .prefault({}),
    lowBatteryMv: z.number().int().min(0).max(10000).default(3400),
    /** Mood alerts: the managers hear when a place's share of unhappy presses within the window reaches the threshold. */
    moodAlert: z
      .object({
        enabled: z.boolean().default(true),
        windowMinutes: z.number().positive('must be more than 0 minutes').max(24 * 60).default(15),
        /** Presses within the window before a share means anything. */
        minResponses: z.number().int().min(1).max(10_000).default(4),
        redSharePercent: z.number().min(1).max(100).default(50),
      })
      .strict()
      .prefault({}),
    /** When to tell managers and the dashboard to charge a device (docs/power.md). */
    battery: z
      .object({
        /** Charge (percent) at or below which a device needs charging. */
        lowPercent: z.number().min(0).max(100).default(15),
        /** Warn when a battery will run out within this many minutes (or before closing time). */
        warnMinutes: z.number().positive('must be more than 0 minutes').max(24 * 60).default(60),
        /** Points of charge a pager uses per hour, until its own readings show its drain (npm run power: 31.1 mA of 400 mAh). */
        expectedDrainPerHour: z.number().positive('must be more than 0').max(100).default(7.8),
      })
      .strict()
      .prefault({}),
    /** The daily e-mail digest to owners off-site, over an SMTP server (off unless configured). */
    email: z
      .object({
        host: z.string().min(1),
        /** 587 with STARTTLS (secure false), or 465 with TLS from the start (secure true). */
        port: port.default(587),
        secure: z.boolean().default(false),
        user: z.string().min(1).optional(),
        password: z.string().optional(),
        from: z.email('must be an e-mail address'),
        to: z.array(z.email('must be an e-mail address')).min(1, 'at least one address'),
        /** Local time the day's digest goes out. */
        dailyAt: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be "HH:MM"').default('22:30'),
        /** On this day the digest also covers the week that ends with it (totals per day, the week's change). Left out: no weekly part. */
        weeklyOn: z.enum(WEEKDAYS).optional(),
      })
      .strict()
      .optional(),
    /**
     * Web Push to owners' and managers' phones that opted in on the dashboard. Left out: nothing is sent.
     * Push services want to know whom to contact about the sender: a mailto: or https: address.
     */
    push: z
      .object({
        contact: z.string().regex(/^(mailto:[^@\s]+@[^@\s]+|https:\/\/\S+)$/, 'must be "mailto:you@example.com" or an https:// address'),
      })
      .strict()
      .optional(),
    /**
     * Forward the log to a head office (#19): MQTT brokers to fail over between (mqtt:// or mqtts://), this site's
     * credentials there. Left out: nothing leaves the shop. Changing it takes a restart.
     */
    uplink: z
      .object({
        brokers: z.array(z.string().regex(/^mqtts?:\/\/[^\s/]+:\d+$/, 'must be "mqtt://host:port" or "mqtts://host:port"')).min(1, 'at least one broker'),
        username: z.string().min(1).optional(),
        password: z.string().min(1),
        /** Feed rows per message. */
        batch: z.number().int().min(1).max(1000).default(200),
        /** For mqtts:// brokers whose certificate a chain's own CA signed: that CA (PEM). Without it, the system's CAs. */
        caFile: z.string().min(1).optional(),
      })
      .strict()
      .optional(),
    /** A daily backup made by the running hub (loyalty-hub backup FILE makes one by hand). */
    backup: z
      .object({
        /** Where the daily files go, best on another disk or a USB stick; relative to the data directory. */
        dir: z.string().min(1),
        at: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be "HH:MM"').default('03:30'),
        keep: z.number().int().min(1).max(3650).default(14),
      })
      .strict()
      .optional(),
    /** Presses per device per second, and the burst above that (a button draining its outbox sends up to 32 at once). */
    pressRate: z
      .object({ perSecond: z.number().positive().default(PRESS_RATE_PER_SECOND), burst: z.number().int().min(OUTBOX_CAPACITY).default(PRESS_BURST) })
      .strict()
      .prefault({}),
    /**
     * "fsync" (default): a press is acknowledged only once it is on disk. "none" acknowledges at once and lets
     * SQLite skip fsync: only to measure what durability costs, never for a shop.
     */
    durability: z.enum(['fsync', 'none']).default('fsync'),
    devices: z.array(device).default([]),
    /** The staff. Without any, a pager's label stands for whoever wears it and every pager goes on shift at opening. */
    people: z.array(person).default([]),
    shifts: z
      .object({
        /** Every pager goes off shift when the site closes (nobody has to remember the toggle). */
        endAtClosing: z.boolean().default(true),
      })
      .strict()
      .prefault({}),
    /** Cause categories chosen on the pager with an outcome ("what went wrong"), in the order the pager offers them. */
    causes: z.array(cause).max(8, 'at most 8 (the pager walks through them one long press at a time)').default(DEFAULT_CAUSES),
    /** Tiers per button id; a button without one uses defaultRoute. */
    routes: z.record(z.string(), tiers).default({}),
    defaultRoute: z.array(z.array(id)).default([]),
    /** Pagers that hear about device problems. Empty: every pager does. */
    managers: z.array(id).default([]),
    logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  })
  .strict()
  .superRefine((config, ctx) => {
    const kinds = new Map<string, string>();
    const labels = new Map<string, string>();
    config.devices.forEach((d, index) => {
      if (kinds.has(d.id)) ctx.addIssue({ code: 'custom', path: ['devices', index, 'id'], message: `"${d.id}" is used by two devices` });
      kinds.set(d.id, d.kind);
      // Staff, pagers and reports tell devices apart by their labels.
      const key = `${d.kind}:${d.label.trim().toLocaleLowerCase()}`;
      const other = labels.get(key);
      if (other !== undefined) ctx.addIssue({ code: 'custom', path: ['devices', index, 'label'], message: `"${d.label}" is already the label of ${d.kind} "${other}": give each ${d.kind} its own` });
      labels.set(key, d.id);
    });
    const expectKind = (value: string, kind: string, path: (string | number)[]) => {
      const actual = kinds.get(value);
      if (actual === undefined) ctx.addIssue({ code: 'custom', path, message: `"${value}" is not a device in "devices"` });
      else if (actual !== kind) ctx.addIssue({ code: 'custom', path, message: `"${value}" is a ${actual}, expected a ${kind}` });
    };
    for (const [button, route] of Object.entries(config.routes)) {
      expectKind(button, 'button', ['routes', button]);
      route.forEach((tier, t) => tier.forEach((pager, p) => expectKind(pager, 'pager', ['routes', button, t, p])));
    }
    config.defaultRoute.forEach((tier, t) => tier.forEach((pager, p) => expectKind(pager, 'pager', ['defaultRoute', t, p])));
    config.managers.forEach((pager, p) => expectKind(pager, 'pager', ['managers', p]));
    const personIds = new Set<string>();
    const wearers = new Map<string, string>();
    config.people.forEach((person, index) => {
      if (personIds.has(person.id)) ctx.addIssue({ code: 'custom', path: ['people', index, 'id'], message: `"${person.id}" is used by two people` });
      personIds.add(person.id);
      if (person.pager === undefined) return;
      expectKind(person.pager, 'pager', ['people', index, 'pager']);
      const other = wearers.get(person.pager);
      if (other !== undefined) ctx.addIssue({ code: 'custom', path: ['people', index, 'pager'], message: `"${person.pager}" is already worn by "${other}"` });
      wearers.set(person.pager, person.id);
    });
    const causes = new Set<string>();
    config.causes.forEach((c, index) => {
      if (causes.has(c)) ctx.addIssue({ code: 'custom', path: ['causes', index], message: `"${c}" is listed twice` });
      causes.add(c);
    });
  });

/** The file as written (defaults optional). */
export type ConfigFile = z.input<typeof configSchema>;
/** The file as validated, defaults filled in. */
export type HubConfig = z.output<typeof configSchema>;
export type DeviceConfig = HubConfig['devices'][number];
export type PersonConfig = HubConfig['people'][number];

/** Opening hours as minute ranges per ISO weekday; always open when the file sets none. */
export function weeklyHours(config: HubConfig): WeeklyHours {
  return splitAtMidnight(
    WEEKDAYS.map((day) => {
      const ranges = config.openingHours ? (config.openingHours[day] ?? []) : ['00:00-24:00'];
      return ranges.map((text) => parseRange(text)!);
    }),
  );
}
