import { describe, expect, it } from 'vitest';
import { MoodWatch } from '../../../hub/domain/mood-watch.js';

const MINUTE = 60_000;
const settings = { enabled: true, windowMs: 15 * MINUTE, minResponses: 4, redShare: 0.5 };

describe('MoodWatch (#16)', () => {
  it('alerts once the unhappy share within the window reaches the threshold with enough presses, once per window', () => {
    const mood = new MoodWatch(settings);
    expect(mood.press('Terrace', 'b1:1', true, 0)).toBeNull();
    expect(mood.press('Terrace', 'b1:2', false, MINUTE)).toBeNull();
    expect(mood.press('Terrace', 'b1:3', true, 2 * MINUTE)).toBeNull(); // 3 presses: not enough yet
    expect(mood.press('Terrace', 'b1:4', false, 3 * MINUTE)).toEqual({ place: 'Terrace', red: 2, total: 4 });
    expect(mood.press('Terrace', 'b1:5', true, 4 * MINUTE)).toBeNull(); // already told in this window
    expect(mood.press('Front', 'b2:1', true, 4 * MINUTE)).toBeNull(); // another place counts apart
  });

  it('forgets presses older than the window, counts a press once, and can be switched off', () => {
    const mood = new MoodWatch(settings);
    for (let i = 0; i < 3; i++) mood.press('Terrace', `b1:${i}`, true, i * MINUTE);
    expect(mood.press('Terrace', 'b1:2', true, 3 * MINUTE)).toBeNull(); // the same press again: still 3
    expect(mood.press('Terrace', 'b1:9', false, 20 * MINUTE)).toBeNull(); // the reds fell out of the window
    const off = new MoodWatch({ ...settings, enabled: false });
    for (let i = 0; i < 5; i++) expect(off.press('Terrace', `b1:${i}`, true, i)).toBeNull();
  });
});
