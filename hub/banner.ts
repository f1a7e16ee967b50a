// What `loyalty-hub start` prints once it listens: where the dashboard is —
// with the addresses a phone on the shop's Wi-Fi can use, and a QR code of
// the first to scan — where devices connect, which time zone counts, and
// where the data lives. The QR code is drawn only on a terminal: in a log or
// the journal it is noise, and its library is then never loaded into a hub
// that runs for months (docs/benchmarks-findings.md §14).
import { hostname, networkInterfaces } from 'node:os';
import type { HubConfig } from './config/schema.js';
import { english, type Translate } from './i18n/translate.js';

export interface BannerFacts {
  config: HubConfig;
  dataDir: string;
  httpPort: number;
  mqttPort: number;
  wsPort: number;
  https: boolean;
  /** The time zone came from this computer (the file sets none). */
  zoneFromSystem: boolean;
  simulating: boolean;
  /** The banner goes to a terminal (someone can scan a QR code off it). */
  terminal: boolean;
  /** The terminal's language (default English). */
  t?: Translate;
}

/** This machine's IPv4 addresses on its networks (not loopback), the ones a phone in the shop can reach. */
export function lanAddresses(interfaces = networkInterfaces()): string[] {
  const found: string[] = [];
  for (const list of Object.values(interfaces)) for (const address of list ?? []) if (address.family === 'IPv4' && !address.internal) found.push(address.address);
  return found;
}

/** The dashboard's addresses: the configured host, or, when it listens on every interface, this machine's name and LAN addresses. */
export function dashboardUrls(config: HubConfig, port: number, https: boolean, lan = lanAddresses(), name = hostname()): string[] {
  const scheme = https ? 'https' : 'http';
  if (config.http.host !== '0.0.0.0') return [`${scheme}://${config.http.host}:${port}/`];
  return [...lan.map((ip) => `${scheme}://${ip}:${port}/`), `${scheme}://${name}.local:${port}/`, `${scheme}://localhost:${port}/`];
}

export async function startBanner(facts: BannerFacts): Promise<string> {
  const { config } = facts;
  const urls = dashboardUrls(config, facts.httpPort, facts.https);
  const t = facts.t ?? english;
  const labels = { dashboard: t('Dashboard'), mqtt: 'MQTT', zone: t('Time zone'), data: t('Data') };
  const width = Math.max(...Object.values(labels).map((label) => label.length)) + 3;
  const row = (label: string, text: string) => `  ${label.padEnd(width)}${text}`;
  const lines = [
    t('loyalty-hub is running (site "{{site}}").', { site: config.site }),
    row(labels.dashboard, urls[0]),
    ...urls.slice(1).map((url) => row('', url)),
    row(labels.mqtt, t('port {{port}} (WebSocket {{wsPort}}), on {{host}}', { port: facts.mqttPort, wsPort: facts.wsPort, host: config.mqtt.host })),
    row(labels.zone, config.timeZone + (facts.zoneFromSystem ? ` ${t('(this computer’s; set "timeZone" in the configuration to change it)')}` : '')),
    row(labels.data, facts.dataDir),
  ];
  if (facts.simulating) {
    lines.push(`  ${t('Simulated shop: 2 buttons and 2 pagers running the real firmware. Press them on the dashboard’s "Virtual shop" page. It stops once a real device is added (--no-sim: off).')}`);
  }
  if (facts.terminal && (urls.length > 1 || !urls[0].includes('localhost'))) {
    const { default: QRCode } = await import('qrcode');
    lines.push(t('Scan to open the dashboard on a phone on this network ({{url}}):', { url: urls[0] }), await QRCode.toString(urls[0], { type: 'terminal', small: true }));
  }
  lines.push(t('Stop with Ctrl-C.'), '');
  return lines.join('\n');
}
