import { describe, expect, it } from 'vitest';
import { encodePress } from '../../shared/payloads.js';
import { DOWNLINK, UPLINK } from '../../shared/topics.js';
import { StorageFaults } from '../../hub/store/storage-faults.js';
import { TestShop, eventually } from '../support/shop.js';

const red = (seq: number) => encodePress({ kind: 'red', seq, ageMs: 0 });

describe('storage', () => {
  it('pages before the commit: a slow disk delays the PUBACK, not the alert', async () => {
    const DISK_MS = 400;
    const faults = new StorageFaults();
    const shop = await TestShop.open({}, { storageFaults: faults });
    try {
      const anna = await shop.connect('pgr-anna');
      const button = await shop.connect('btn-1');
      faults.commitDelayMs = DISK_MS; // from now on every commit takes 400 ms
      const sent = performance.now();
      const alerted = anna.next(DOWNLINK.alert).then(() => performance.now() - sent);
      const acked = button.publish(UPLINK.press, red(1)).then(() => performance.now() - sent);
      const [alertMs, ackMs] = await Promise.all([alerted, acked]);
      expect(ackMs).toBeGreaterThanOrEqual(DISK_MS - 5);
      expect(alertMs).toBeLessThan(ackMs - DISK_MS / 2);

      // While a commit is stuck on the disk, later presses are still paged at once.
      const anna2 = await shop.connect('pgr-ben');
      const counter2 = await shop.connect('btn-2');
      const first = button.publish(UPLINK.press, red(2));
      await new Promise((resolve) => setTimeout(resolve, 50));
      const during = performance.now();
      void counter2.publish(UPLINK.press, red(1));
      await anna2.next(DOWNLINK.alert);
      expect(performance.now() - during).toBeLessThan(DISK_MS / 2);
      faults.commitDelayMs = 0;
      await first;
    } finally {
      await shop.close();
    }
  });

  it('withholds PUBACK while the disk fails, alarms the manager and the dashboard, and stores the press once when it recovers', async () => {
    const faults = new StorageFaults();
    const shop = await TestShop.open({}, { storageFaults: faults });
    try {
      await shop.addUser('olga', 'owner', 'correct horse battery');
      const login = await fetch(`http://127.0.0.1:${shop.hub.httpPort}/api/login`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ username: 'olga', password: 'correct horse battery' }),
      });
      const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
      const alarms = async () => ((await (await fetch(`http://127.0.0.1:${shop.hub.httpPort}/api/today`, { headers: { cookie } })).json()) as { alarms: string[] }).alarms;
      const boss = await shop.connect('pgr-boss');
      const button = await shop.connect('btn-1');
      expect(await alarms()).toEqual([]);
      faults.failing = true;
      const closed = new Promise<void>((resolve) => button.client.once('close', () => resolve()));
      let acknowledged = false;
      button.client.publish(button.topic(UPLINK.press), red(1), { qos: 1 }, () => (acknowledged = true));
      await closed;
      expect(acknowledged).toBe(false);
      const alarm = await boss.next(DOWNLINK.alert, (a) => a.k === 's');
      expect(alarm).toMatchObject({ l: 'Hub disk', w: 'n' });
      expect((await alarms())[0]).toMatch(/^The hub cannot write to its disk/);
      faults.failing = false;

      // The button still has the press and sends it again after reconnecting.
      const again = await shop.connect('btn-1');
      await again.publish(UPLINK.press, red(1));
      expect(shop.query('SELECT seq FROM presses')).toEqual([{ seq: 1 }]);
      expect(shop.query<{ count: number }>("SELECT count FROM incidents WHERE kind = 'red'")).toEqual([{ count: 1 }]);
      // Recovered: the manager's alarm is withdrawn, the dashboard's too, and the episode is in the log.
      expect(await boss.next(DOWNLINK.cancel, (c) => c.i === alarm.i)).toMatchObject({ w: 'x' });
      expect(await alarms()).toEqual([]);
      expect(shop.query("SELECT outcome FROM incidents WHERE kind = 'storage'")).toEqual([{ outcome: 'fixed' }]);
    } finally {
      await shop.close();
    }
  });

  it('does not run on without its journal: a dead worker is reported at once, nothing is confirmed, and a restart takes the press once', async () => {
    const faults = new StorageFaults();
    const lost: Error[] = [];
    const shop = await TestShop.open({}, { storageFaults: faults, onJournalLost: (error) => lost.push(error) });
    try {
      const button = await shop.connect('btn-1');
      await button.publish(UPLINK.press, red(1));
      faults.killWorker();
      let acknowledged = false;
      button.client.publish(button.topic(UPLINK.press), red(2), { qos: 1 }, () => (acknowledged = true));
      await eventually(() => lost.length > 0, 5000, 'the journal reported lost');
      expect(lost[0].message).toMatch(/^the journal worker stopped \(exit code 70\)$/);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(acknowledged).toBe(false);

      // What the service manager does: start the hub again. The button sends the unconfirmed press again.
      await shop.stop();
      faults.shared.fill(0);
      await shop.startHub();
      const again = await shop.connect('btn-1');
      await again.publish(UPLINK.press, red(2));
      expect(shop.query('SELECT seq FROM presses ORDER BY seq')).toEqual([{ seq: 1 }, { seq: 2 }]);
      expect(lost).toHaveLength(1);
    } finally {
      await shop.close();
    }
  });
});
