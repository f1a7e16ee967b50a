import { describe, expect, it } from 'vitest';
import { AlertFlow } from '../../../hub/device-out/alert-flow.js';
import type { Alert, AlertReason } from '../../../shared/payloads.js';

const alert = (incident: number, count: number, reason: AlertReason = 'update'): { alert: Alert } => ({
  alert: { incident, kind: 'red', location: 'Counter 1', count, level: 1, time: 0, reason },
});

describe('alert flow', () => {
  it('holds count updates while the pager has not acknowledged, and sends only the newest', () => {
    const flow = new AlertFlow();
    expect(flow.offer('pgr-a', alert(1, 1, 'new'))).toBe(true);
    expect(flow.offer('pgr-a', alert(1, 2))).toBe(false);
    expect(flow.offer('pgr-a', alert(1, 3))).toBe(false);
    expect(flow.acknowledged('pgr-a', 1)?.alert.count).toBe(3); // 2 is never sent: 3 says more
    expect(flow.offer('pgr-a', alert(1, 4))).toBe(false); // 3 is on the wire now
    expect(flow.acknowledged('pgr-a', 1)?.alert.count).toBe(4);
    expect(flow.acknowledged('pgr-a', 1)).toBeUndefined(); // nothing left: the next update goes at once
    expect(flow.offer('pgr-a', alert(1, 5))).toBe(true);
  });

  it('keeps incidents and pagers apart, and never holds anything but an update', () => {
    const flow = new AlertFlow();
    expect(flow.offer('pgr-a', alert(1, 1, 'new'))).toBe(true);
    expect(flow.offer('pgr-a', alert(2, 1, 'new'))).toBe(true);
    expect(flow.offer('pgr-b', alert(1, 2))).toBe(true);
    expect(flow.offer('pgr-a', alert(1, 2))).toBe(false);
    // A re-buzz carries the current count too: it goes now and replaces the held update.
    expect(flow.offer('pgr-a', alert(1, 2, 'rebuzz'))).toBe(true);
    expect(flow.acknowledged('pgr-a', 1)).toBeUndefined();
  });

  it('drops what it held for a pager that went offline (the desk resends the current state on return)', () => {
    const flow = new AlertFlow();
    flow.offer('pgr-a', alert(1, 1, 'new'));
    flow.offer('pgr-a', alert(1, 2));
    flow.pagerGone('pgr-a');
    expect(flow.acknowledged('pgr-a', 1)).toBeUndefined();
    expect(flow.offer('pgr-a', alert(1, 3))).toBe(true);
  });
});
