// The start banner (#17): the addresses a phone in the shop can use, a QR
// code of the first, and where the time zone came from.
import { describe, expect, it } from 'vitest';
import { dashboardUrls, lanAddresses, startBanner } from '../../hub/banner.js';
import { parseConfig } from '../../hub/config/load.js';

const everywhere = parseConfig({ timeZone: 'Europe/Berlin' }, 'x');

describe('start banner', () => {
  it('lists the LAN addresses, the machine’s .local name and localhost when the dashboard listens everywhere', () => {
    expect(dashboardUrls(everywhere, 8080, false, ['192.168.1.20'], 'cafe-hub')).toEqual(['http://192.168.1.20:8080/', 'http://cafe-hub.local:8080/', 'http://localhost:8080/']);
    expect(dashboardUrls(parseConfig({ http: { host: '127.0.0.1' } }, 'x'), 8443, true)).toEqual(['https://127.0.0.1:8443/']);
    const interfaces = {
      lo: [{ address: '127.0.0.1', family: 'IPv4', internal: true }],
      wlan0: [{ address: '192.168.1.20', family: 'IPv4', internal: false }, { address: 'fe80::1', family: 'IPv6', internal: false }],
    } as unknown as Parameters<typeof lanAddresses>[0];
    expect(lanAddresses(interfaces)).toEqual(['192.168.1.20']);
  });

  it('shows a QR code of the dashboard on a terminal and says the time zone is this computer’s when the file sets none', async () => {
    const text = await startBanner({ config: everywhere, dataDir: '/var/lib/loyalty-hub', httpPort: 8080, mqttPort: 1883, wsPort: 8083, https: false, zoneFromSystem: true, simulating: false, terminal: true });
    expect(text).toMatch(/Dashboard {3}http:\/\/\S+:8080\//);
    expect(text).toContain('Time zone   Europe/Berlin (this computer’s; set "timeZone" in the configuration to change it)');
    expect(text).toMatch(/Scan to open the dashboard on a phone/);
    expect(text).toMatch(/[▀▄█]/); // the QR code, in block characters
  });

  it('draws no QR code into a log or the journal: the addresses are there, written out', async () => {
    const text = await startBanner({ config: everywhere, dataDir: '/var/lib/loyalty-hub', httpPort: 8080, mqttPort: 1883, wsPort: 8083, https: false, zoneFromSystem: false, simulating: false, terminal: false });
    expect(text).toMatch(/Dashboard {3}http:\/\/\S+:8080\//);
    expect(text).not.toMatch(/Scan to open/);
    expect(text).not.toMatch(/[▀▄█]/);
  });

  it('takes this computer’s time zone when the file sets none', () => {
    expect(parseConfig({}, 'x').timeZone).toBe(Intl.DateTimeFormat().resolvedOptions().timeZone);
  });
});
