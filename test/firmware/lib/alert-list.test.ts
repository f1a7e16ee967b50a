import { describe, expect, it } from 'vitest';
import { AlertList } from '../../../firmware/lib/alert-list.js';
import type { Alert } from '../../../shared/payloads.js';

const alert = (incident: number, extra: Partial<Alert> = {}): Alert => ({ incident, kind: 'red', location: 'Counter', count: 1, level: 1, time: 0, reason: 'new', ...extra });

describe('AlertList', () => {
  it('acts on the oldest alert not yet acknowledged, else the oldest', () => {
    const list = new AlertList();
    expect(list.top()).toBeNull();
    list.receive(alert(1));
    list.receive(alert(2));
    expect(list.top()!.alert.incident).toBe(1);
    list.top()!.acknowledged = true;
    expect(list.top()!.alert.incident).toBe(2);
    list.top()!.acknowledged = true;
    expect([list.top()!.alert.incident, list.waiting()]).toEqual([1, false]);
  });

  it('replaces an incident it holds; a re-trigger asks for a new acknowledgement; a cancel forgets it', () => {
    const list = new AlertList();
    list.receive(alert(1));
    list.top()!.acknowledged = true;
    list.receive(alert(1, { count: 3, reason: 'update' }));
    expect([list.count(), list.top()!.alert.count, list.top()!.acknowledged]).toEqual([1, 3, true]);
    list.receive(alert(1, { reason: 'retrigger' }));
    expect(list.waiting()).toBe(true);
    list.forget(1);
    expect([list.count(), list.top()]).toEqual([0, null]);
  });
});
