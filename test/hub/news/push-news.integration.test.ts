// Phone notifications (#18) end to end: a real hub, real MQTT devices, the
// owner subscribing over the dashboard API, and a real HTTPS push service
// (test/support/push-service.ts) that verifies the VAPID signature and
// decrypts each payload with the subscription's keys.
import { readFileSync } from 'node:fs';
import { Agent } from 'node:https';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { encodePress } from '../../../shared/payloads.js';
import { DOWNLINK, UPLINK } from '../../../shared/topics.js';
import { selfSignedCertificate } from '../../support/certificate.js';
import { PASSWORD, as, type Call } from '../../support/dashboard.js';
import { PushService } from '../../support/push-service.js';
import { TestShop, eventually } from '../../support/shop.js';

const red = (seq: number) => encodePress({ kind: 'red', seq, ageMs: 0 });
const CONTACT = 'mailto:owner@cafe.example';
const ALL_DAY = { quietFrom: null, quietTo: null };

let service: PushService;
let agent: Agent;
let shop: TestShop | undefined;

beforeAll(async () => {
  const tls = selfSignedCertificate();
  if (!tls) throw new Error('openssl is needed to make the push service a certificate');
  service = await PushService.start(tls.certFile, tls.keyFile);
  agent = new Agent({ ca: readFileSync(tls.certFile) });
});
afterAll(async () => {
  agent.destroy();
  await service.close();
});
afterEach(async () => {
  await shop?.close();
  shop = undefined;
  service.delivered.length = 0;
  service.refused.length = 0;
  service.answer = null;
});

async function openShop(push: boolean): Promise<{ owner: Call; base: string }> {
  shop = await TestShop.open(push ? { push: { contact: CONTACT } } : {}, { pushAgent: agent });
  await shop.addUser('olga', 'owner', PASSWORD);
  await shop.addUser('wall', 'viewer', PASSWORD);
  const base = `http://127.0.0.1:${shop.hub.httpPort}`;
  return { owner: await as(base, 'olga'), base };
}

const subscribe = (call: Call, subscription: ReturnType<PushService['subscribe']>, topics: string[], quiet: { quietFrom: string | null; quietTo: string | null } = ALL_DAY, lang = 'en') =>
  call('PUT', '/api/push/subscription', { subscription, topics, ...quiet, lang });

/** A red press at Counter 1 that nobody acknowledges: Anna is paged, then after 30 s it escalates to the manager. */
async function unansweredComplaint(): Promise<number> {
  const anna = await shop!.connect('pgr-anna');
  await shop!.connect('pgr-boss');
  const button = await shop!.connect('btn-1');
  await button.publish(UPLINK.press, red(1));
  const incident = (await anna.next(DOWNLINK.alert, (a) => a.w === 'n')).i as number;
  shop!.advance(15_000);
  shop!.advance(15_000);
  return incident;
}

describe('phone notifications (Web Push)', () => {
  it('delivers an escalated complaint to a subscribed owner, signed with the hub key and readable only with the phone keys', async () => {
    const { owner } = await openShop(true);
    const before = await owner('GET', '/api/push');
    expect(before.body).toMatchObject({ enabled: true, phones: [] });
    const publicKey = before.body.publicKey as string;
    expect(Buffer.from(publicKey, 'base64url')).toHaveLength(65);

    const phone = service.subscribe();
    expect((await subscribe(owner, phone, ['unhandled', 'devices'])).status).toBe(200);
    const incident = await unansweredComplaint();

    await eventually(() => service.delivered.length > 0, 5000, 'a push');
    expect(service.refused).toEqual([]);
    const [push] = service.delivered;
    expect(push.vapidKey).toBe(publicKey); // the key the phone subscribed with
    expect(push.claims.sub).toBe(CONTACT);
    expect(push.payload).toEqual({ title: 'Unhappy customer: Counter 1', body: 'Nobody has answered yet: escalated to level 2.', tag: `incident-${incident}`, incident, site: 'test-cafe' });
    expect(push.urgency).toBe('high');
    const mine = await owner('GET', '/api/push');
    expect((mine.body.phones as { lastSentAt: number | null }[])[0].lastSentAt).not.toBeNull();
  });

  it('sends only the topics a phone chose, nothing in its quiet hours, and nothing when push is off', async () => {
    const { owner } = await openShop(true);
    const moodOnly = service.subscribe();
    const sleeping = service.subscribe();
    await subscribe(owner, moodOnly, ['mood']);
    // The test clock stands at 13:00 in Berlin.
    await subscribe(owner, sleeping, ['unhandled'], { quietFrom: '12:00', quietTo: '14:00' });
    await unansweredComplaint();
    await shop!.hub.pushSettled();
    expect(service.delivered).toEqual([]);
    await shop!.close();

    const off = await openShop(false);
    expect((await off.owner('GET', '/api/push')).body).toMatchObject({ enabled: false, publicKey: null });
    const refused = await subscribe(off.owner, service.subscribe(), ['unhandled']);
    expect(refused.status).toBe(400);
    expect(refused.body.error?.message).toContain('push.contact');
  });

  it('keeps what the push service did not take, says so on the dashboard, and delivers when it is back', async () => {
    const { owner } = await openShop(true);
    await subscribe(owner, service.subscribe(), ['unhandled']);
    service.answer = 503;
    await unansweredComplaint();
    await shop!.hub.pushSettled();
    expect(service.delivered).toEqual([]);
    const today = await owner('GET', '/api/today');
    expect(today.body.alarms).toEqual(expect.arrayContaining([expect.stringContaining('1 phone notification not delivered yet (push service answered 503)')]));

    service.answer = null;
    shop!.advance(10_000); // too early for the first retry (30 s)
    await shop!.hub.pushSettled();
    expect(service.delivered).toEqual([]);
    shop!.advance(25_000);
    await shop!.hub.pushSettled();
    expect(service.delivered.map((d) => d.payload.title)).toEqual(['Unhappy customer: Counter 1']);
    expect((await owner('GET', '/api/today')).body.alarms).not.toEqual(expect.arrayContaining([expect.stringContaining('phone notification')]));
  });

  it('forgets a phone the push service no longer knows (410)', async () => {
    const { owner } = await openShop(true);
    const phone = service.subscribe();
    await subscribe(owner, phone, ['unhandled']);
    service.forget(phone.endpoint);
    await unansweredComplaint();
    await shop!.hub.pushSettled();
    expect((await owner('GET', '/api/push')).body.phones).toEqual([]);
  });

  it('checks every subscription and lets only owners and managers subscribe', async () => {
    const { owner, base } = await openShop(true);
    const phone = service.subscribe();
    const bad = [
      { ...phone, endpoint: 'http://push.example/x' },
      { ...phone, keys: { ...phone.keys, p256dh: Buffer.alloc(65, 1).toString('base64url') } },
      { ...phone, keys: { ...phone.keys, auth: Buffer.alloc(8).toString('base64url') } },
    ];
    for (const subscription of bad) expect((await subscribe(owner, subscription, ['unhandled'])).status).toBe(400);
    expect((await subscribe(owner, phone, ['everything'])).status).toBe(400);
    expect((await subscribe(owner, phone, ['unhandled'], { quietFrom: '22:00', quietTo: null })).status).toBe(400);
    const viewer = await as(base, 'wall');
    expect((await subscribe(viewer, phone, ['unhandled'])).status).toBe(403);
    expect((await owner('GET', '/api/push')).body.phones).toEqual([]);
    // The service worker is public (it holds no secret) and served as a script.
    const worker = await fetch(`${base}/sw.js`);
    expect(worker.status).toBe(200);
    expect(worker.headers.get('content-type')).toContain('javascript');
  });

  it('speaks each phone’s language (#18)', async () => {
    const { owner } = await openShop(true);
    const german = service.subscribe();
    const russian = service.subscribe();
    await subscribe(owner, german, ['unhandled'], ALL_DAY, 'de');
    await subscribe(owner, russian, ['unhandled'], ALL_DAY, 'ru');
    await unansweredComplaint();
    await eventually(() => service.delivered.length === 2, 5000, 'two pushes');
    const byPhone = (phone: { endpoint: string }) => service.delivered.find((d) => phone.endpoint.endsWith(d.id))!.payload;
    expect(byPhone(german)).toMatchObject({ title: 'Unzufriedener Kunde: Counter 1', body: 'Noch hat niemand reagiert: eskaliert auf Stufe 2.' });
    expect(byPhone(russian)).toMatchObject({ title: 'Недовольный клиент: Counter 1', body: 'Никто ещё не ответил: эскалация на уровень 2.' });
  });

  it('sends a test to the asking user only', async () => {
    const { owner } = await openShop(true);
    await subscribe(owner, service.subscribe(), []);
    expect((await owner('POST', '/api/push/test')).status).toBe(200);
    expect(service.delivered.map((d) => d.payload.title)).toEqual(['Test from the loyalty hub']);
  });
});
