import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseConfig, readUplinkCa, writeConfigFile } from '../../../hub/config/load.js';
import { systemTimeZone, weeklyHours } from '../../../hub/config/schema.js';
import { deviceIdFor } from '../../../hub/config/edit.js';
import { shopConfig } from '../../support/shop.js';

const problems = (raw: unknown) => {
  try {
    parseConfig(raw, 'loyalty-hub.json');
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected the configuration to be rejected');
};

describe('configuration', () => {
  it('fills in defaults for an empty file (zero-config start)', () => {
    const config = parseConfig({}, 'x');
    expect(config).toMatchObject({ site: 'shop', timeZone: systemTimeZone(), mqtt: { port: 1883, wsPort: 8083 }, timings: { foldWindowS: 60, rebuzzS: 15, escalateS: 30, retriggerS: 180 } });
    expect(weeklyHours(config).slice(1).every((day) => day.length === 1 && day[0][0] === 0 && day[0][1] === 1440)).toBe(true);
  });

  it('reads the uplink’s CA, and names the setting when it cannot', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lb-ca-'));
    writeFileSync(join(dir, 'ca.pem'), 'PEM');
    const uplink = (caFile?: string) => parseConfig({ uplink: { brokers: ['mqtts://hq.example:8883'], password: 'secret', caFile } }, 'test').uplink!;
    expect(readUplinkCa(uplink())).toBeUndefined();
    expect(readUplinkCa(uplink(join(dir, 'ca.pem')))?.toString()).toBe('PEM');
    expect(() => readUplinkCa(uplink(join(dir, 'missing.pem')))).toThrow(new ConfigError(`uplink.caFile: cannot read ${join(dir, 'missing.pem')} (ENOENT)`));
  });

  it('accepts the example shop', () => {
    expect(parseConfig(shopConfig(), 'x').devices).toHaveLength(5);
  });

  it('names the field and the problem', () => {
    expect(problems({ timeZone: 'Mars/Olympus' })).toContain('timeZone: is not an IANA time zone');
    expect(problems({ site: 'My Shop' })).toContain("site: must be 1-23 characters of a-z, 0-9 and '-'");
    expect(problems({ timings: { rebuzzS: 0 } })).toContain('timings.rebuzzS: must be more than 0 seconds');
    expect(problems({ timings: { rebuzS: 10 } })).toMatch(/timings: Unrecognized key: "rebuzS"/);
    expect(problems({ openingHours: { mon: ['18:00-18:00'] } })).toContain('openingHours.mon[0]: must be "HH:MM-HH:MM" (a range may cross midnight: "18:00-02:00")');
    expect(problems({ devices: [{ id: 'b', kind: 'toaster', label: 'x' }] })).toMatch(/devices\[0\]\.kind: Invalid option/);
    expect(problems({ devices: [{ id: 'b', kind: 'button', label: 'x'.repeat(40) }] })).toContain('devices[0].label: must be at most 32 characters');
  });

  it('checks that routes and managers name devices of the right kind', () => {
    const base = shopConfig();
    expect(problems({ ...base, routes: { 'btn-1': [['pgr-nobody']] } })).toContain('routes.btn-1[0][0]: "pgr-nobody" is not a device in "devices"');
    expect(problems({ ...base, routes: { 'btn-1': [['btn-2']] } })).toContain('routes.btn-1[0][0]: "btn-2" is a button, expected a pager');
    expect(problems({ ...base, managers: ['btn-1'] })).toContain('managers[0]: "btn-1" is a button, expected a pager');
    expect(problems({ ...base, devices: [...base.devices!, { id: 'btn-1', kind: 'button', label: 'Again' }] })).toContain('devices[5].id: "btn-1" is used by two devices');
  });

  it('refuses two devices of a kind with the same label, and checks people and causes (#16, #17)', () => {
    const base = shopConfig();
    expect(problems({ ...base, devices: [...base.devices!, { id: 'btn-9', kind: 'button', label: 'counter 1 ' }] })).toContain(
      'devices[5].label: "counter 1 " is already the label of button "btn-1": give each button its own',
    );
    expect(parseConfig({ ...base, devices: [...base.devices!, { id: 'pgr-9', kind: 'pager', label: 'Counter 1' }] }, 'x').devices).toHaveLength(6); // a pager may share a button's label
    expect(problems({ ...base, people: [{ id: 'anna', name: 'Anna', pager: 'btn-1' }] })).toContain('people[0].pager: "btn-1" is a button, expected a pager');
    expect(problems({ ...base, people: [{ id: 'a', name: 'A', pager: 'pgr-anna' }, { id: 'b', name: 'B', pager: 'pgr-anna' }] })).toContain('people[1].pager: "pgr-anna" is already worn by "a"');
    expect(problems({ ...base, causes: ['Food', 'Food'] })).toContain('causes[1]: "Food" is listed twice');
    expect(problems({ ...base, causes: ['Waiting time too long'] })).toContain('causes[0]: must be at most 10 characters');
  });

  it('makes readable ids from German and Russian labels (#17)', () => {
    const taken = new Set(['btn-terrasa']);
    expect(deviceIdFor('button', 'Schanigarten Süd', new Set())).toBe('btn-schanigarten-sued');
    expect(deviceIdFor('button', 'Терраса', taken)).toBe('btn-terrasa-2');
    expect(deviceIdFor('pager', 'Grüße an die Küche hinten', new Set())).toBe('pgr-gruesse-an-die'); // cut at a word
    expect(deviceIdFor('button', 'Schanigarten Süd', new Set(['btn-schanigarten-sued']))).toBe('btn-schanigarten-2'); // room made for "-2"
    expect(deviceIdFor('button', '???', new Set())).toBe('btn-device');
  });

  it('reports a file that is not JSON, and leaves a valid file unchanged when a write would be invalid', () => {
    const dir = mkdtempSync(join(tmpdir(), 'loyalty-config-'));
    const path = join(dir, 'loyalty-hub.json');
    writeFileSync(path, '{ "site": "cafe", }');
    expect(() => loadConfig(path)).toThrow(/loyalty-hub\.json is not valid JSON/);

    writeConfigFile(path, { site: 'cafe' });
    expect(() => writeConfigFile(path, { site: 'Not Valid' })).toThrow(ConfigError);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ site: 'cafe' });
  });
});
