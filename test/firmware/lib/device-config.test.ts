import { describe, expect, it } from 'vitest';
import { parseDeviceConfig } from '../../../firmware/lib/device-config.js';
import { MAX_SEQ, SEQ_FLOOR_MAX } from '../../../shared/limits.js';

describe('device config', () => {
  const good = {
    kind: 'button',
    id: 'btn-1',
    secret: 's3cret',
    site: 'cafe',
    wifi: { ssid: 'shop', password: 'pw' },
    hub: { host: '192.168.1.10', port: 1883 },
    pins: { red: 'D4', green: 'D5', led: 'D2' },
  };

  it('accepts a complete config and fills in defaults', () => {
    expect(parseDeviceConfig(good, 'button')).toMatchObject({ id: 'btn-1', display: false, battery: null, seqFloor: 0, powersave: 'none' });
  });

  it('lets a pager sleep its modem by default, and takes the mode the flasher wrote (#15)', () => {
    const pager = { ...good, kind: 'pager', pins: { button: 'D4', motor: 'D25', led: 'D2' } };
    expect(parseDeviceConfig(pager, 'pager')).toMatchObject({ powersave: 'max' });
    expect(parseDeviceConfig({ ...pager, powersave: 'none' }, 'pager')).toMatchObject({ powersave: 'none' });
    expect(parseDeviceConfig({ ...good, powersave: 'max' }, 'button')).toMatchObject({ powersave: 'max' });
  });

  it.each([
    [undefined, 'no configuration in Storage (flash the device with npm run flash)'],
    [{ ...good, kind: 'pager' }, 'configuration is for a pager, this firmware is the button'],
    [{ ...good, id: 'Bad Id' }, 'id is missing or invalid'],
    [{ ...good, hub: { host: '10.0.0.2', port: 0 } }, 'hub.port invalid'],
    [{ ...good, pins: { red: 'D4', green: '5', led: 'D2' } }, 'pins.green must be a pin name like "D4"'],
    [{ ...good, battery: { pin: 'D35' } }, 'battery needs a pin and a divider ratio'],
    [{ ...good, seqFloor: MAX_SEQ }, `seqFloor must be 0-${SEQ_FLOOR_MAX}`],
    [{ ...good, powersave: 'ps-poll' }, 'powersave must be "none", "min" or "max"'], // ps-poll throws on ESP-IDF 4 builds
  ])('explains what is wrong: %#', (raw, reason) => {
    expect(parseDeviceConfig(raw, 'button')).toBe(reason);
  });
});
