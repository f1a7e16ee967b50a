import { describe, expect, it } from 'vitest';
import { ageText, pagerScreen, type ScreenState } from '../../../firmware/lib/pager-screen.js';

const idle: ScreenState = { menu: null, current: null, alertCount: 0, onShift: true, wearer: '', connected: true, hubNow: 100_000, battery: null };
const texts = (state: ScreenState) => pagerScreen(state).map((line) => line.text);

describe('pager screen', () => {
  it('shows the shift and the hub link when idle', () => {
    expect(texts(idle)).toEqual(['on shift', 'No alerts', 'hub ok']);
    expect(texts({ ...idle, onShift: false, connected: false })).toEqual(['OFF SHIFT', 'No alerts', 'NO HUB']);
    expect(texts({ ...idle, wearer: 'Anna' })[0]).toBe('Anna: on shift'); // who wears it, as the hub says (#16)
  });

  it('shows the alert to act on: kind, count, level, place in large type, age, whose, and how many more', () => {
    const current = { alert: { incident: 4, kind: 'red' as const, location: 'Terrace', count: 3, level: 2, time: 100_000 - 65_000, reason: 'update' as const }, acknowledged: true };
    const lines = pagerScreen({ ...idle, current, alertCount: 2 });
    expect(lines.map((line) => line.text)).toEqual(['UNHAPPY x3 L2', 'Terrace', '1m5s - yours', '+1 more', 'hub ok']);
    expect(lines[1].size).toBe(2);
  });

  it('shows a menu over everything: its question, and the choice a short press takes, large', () => {
    const lines = pagerScreen({ ...idle, menu: { title: 'Why? (short=send)', choice: 'Waiting' } });
    expect(lines.map((line) => [line.text, line.size])).toEqual([['Why? (short=send)', 1], ['Waiting', 2], ['hub ok', 1]]);
  });

  it('gives no age before the hub’s time is known', () => {
    expect([ageText(0, null), ageText(1000, 43_000), ageText(5000, 1000)]).toEqual(['', '42s', '0s']);
  });

  it('shows its own battery on the status line, and asks to be charged when low (#15)', () => {
    expect(texts({ ...idle, battery: 78 }).at(-1)).toBe('hub ok  bat 78%');
    expect(texts({ ...idle, connected: false, battery: 12 }).at(-1)).toBe('NO HUB  CHARGE 12%');
    expect(texts(idle).at(-1)).toBe('hub ok');
  });
});
