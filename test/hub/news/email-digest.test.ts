// The daily e-mail digest (#18) against a real SMTP server started here
// (smtp-server), the message parsed as a mail client would (mailparser):
// subject, what it says, the CSV attached; and when the server is gone, the
// dashboard says the digest waits and it goes out on the next try.
import { mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../../hub/config/load.js';
import { createLogger } from '../../../hub/log.js';
import { EmailDigest } from '../../../hub/news/email-digest.js';
import { Storage } from '../../../hub/store/storage.js';
import { english, say } from '../../../hub/i18n/translate.js';

const NOW = Date.UTC(2026, 11, 2, 21, 45); // 22:45 in Berlin, after the 22:30 digest time
let server: SMTPServer | undefined;

afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

function smtp(received: ParsedMail[]): Promise<number> {
  server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, _session, done) {
      simpleParser(stream).then((mail) => {
        received.push(mail);
        done();
      }, done);
    },
  });
  return new Promise((resolve) => server!.listen(0, '127.0.0.1', () => resolve((server!.server.address() as AddressInfo).port)));
}

function shopWith(port: number) {
  const storage = Storage.open(mkdtempSync(join(tmpdir(), 'lb-digest-')));
  const at = NOW - 3 * 3_600_000;
  storage.log.insertPress({ deviceId: 'btn-1', seq: 1, kind: 'red', pressedAt: at, receivedAt: at, ageMs: 0, incidentId: 1, trial: false });
  storage.log.saveIncident({ id: 1, kind: 'red', source: 'btn-1', label: 'Schanigarten Süd', openedAt: at, lastPressAt: at, count: 1, level: 1, acknowledgedAt: at + 40_000, acknowledgedBy: 'pgr-a', acknowledgedPerson: 'Anna', holder: 'pgr-a', resolvedAt: null, resolvedBy: null, resolvedPerson: null, outcome: null, cause: null, reachedAt: null, note: null, retriggers: 0, trial: false });
  const config = parseConfig({ site: 'cafe-central', timeZone: 'Europe/Berlin', email: { host: '127.0.0.1', port, from: 'hub@cafe.example', to: ['owner@cafe.example'] } }, 'x');
  const digest = new EmailDigest({ reports: storage.reports, log: createLogger('silent'), config: () => config, nameOf: (id) => id, placeOf: (id) => id, deviceProblems: () => [{ device: "Anna's pager", kind: 'missing' }] });
  return { storage, digest };
}

describe('e-mail digest', () => {
  it('sends the day once, after its time: what happened, what is still open, the devices, the CSV attached', async () => {
    const received: ParsedMail[] = [];
    const { storage, digest } = shopWith(await smtp(received));
    expect(digest.tick(Date.UTC(2026, 11, 2, 21, 0))).toBeNull(); // 22:00: not yet
    await digest.tick(NOW);
    expect(digest.tick(NOW + 60_000)).toBeNull(); // once a day
    expect(received).toHaveLength(1);
    const mail = received[0];
    expect(mail.subject).toBe('cafe-central: 1 complaint on 2026-12-02, 1 still open');
    expect(mail.to && 'text' in mail.to ? mail.to.text : '').toBe('owner@cafe.example');
    expect(mail.text).toContain('1 unhappy and 0 happy presses; 1 complaints, 0 of them won back.');
    expect(mail.text).toContain('Staff acknowledged in 40 s (median).');
    expect(mail.text).toContain('Still open (1):\n  - 19:45:00 Schanigarten Süd (Unhappy, 1 press)');
    expect(mail.text).toContain("Devices needing attention:\n  - Anna's pager: Device missing");
    expect(mail.attachments.map((a) => a.filename)).toEqual(['complaints-2026-12-02.csv']);
    const csv = mail.attachments[0].content;
    expect([...csv.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(csv.subarray(3).toString('utf8')).toContain('Schanigarten Süd');
    storage.close();
  });

  it('writes in the shop’s language, the CSV too (#18)', async () => {
    const received: ParsedMail[] = [];
    const port = await smtp(received);
    const { storage } = shopWith(port);
    const config = parseConfig({ site: 'cafe-central', timeZone: 'Europe/Berlin', language: 'de', email: { host: '127.0.0.1', port, from: 'hub@cafe.example', to: ['owner@cafe.example'] } }, 'x');
    const digest = new EmailDigest({ reports: storage.reports, log: createLogger('silent'), config: () => config, nameOf: (id) => id, placeOf: (id) => id, deviceProblems: () => [{ device: 'Annas Pager', kind: 'battery' }] });
    await digest.tick(NOW);
    expect(received[0].subject).toBe('cafe-central: 1 Beschwerde am 2026-12-02, 1 noch offen');
    expect(received[0].text).toContain('Noch offen (1):\n  - 19:45:00 Schanigarten Süd (Unzufrieden, 1 Druck)');
    expect(received[0].text).toContain('  - Annas Pager: Akku schwach');
    const csv = received[0].attachments[0].content.subarray(3).toString('utf8');
    expect(csv.split('\r\n')[0]).toMatch(/^Vorfall;Datum;Geöffnet \(Ortszeit\);/);
    storage.close();
  });

  it('adds the week on the configured day (totals per day)', async () => {
    const received: ParsedMail[] = [];
    const port = await smtp(received);
    const { storage } = shopWith(port);
    // 2 Dec 2026 is a Wednesday.
    const config = parseConfig({ site: 'cafe-central', timeZone: 'Europe/Berlin', email: { host: '127.0.0.1', port, from: 'hub@cafe.example', to: ['owner@cafe.example'], weeklyOn: 'wed' } }, 'x');
    const digest = new EmailDigest({ reports: storage.reports, log: createLogger('silent'), config: () => config, nameOf: (id) => id, placeOf: (id) => id, deviceProblems: () => [] });
    await digest.tick(NOW);
    expect(received[0].subject).toBe('cafe-central: 1 complaint on 2026-12-02, 1 still open (with the week)');
    expect(received[0].text).toContain('The week 2026-11-26 to 2026-12-02: 1 incident.\n  2026-11-26  0 incidents, 0 of 0 won back');
    expect(received[0].text).toContain('  2026-12-02  1 incident, 0 of 0 won back, acknowledged in 40 s');
    storage.close();
  });

  it('says on the dashboard that a digest waits while the mail server cannot be reached, and sends it on a later try', async () => {
    const received: ParsedMail[] = [];
    const port = await smtp(received);
    await new Promise<void>((resolve) => server!.close(() => resolve())); // the line is down
    const { storage, digest } = shopWith(port);
    await digest.tick(NOW);
    expect(digest.messages().map((line) => say(english, line))).toEqual([expect.stringMatching(/^The e-mail digest for 2026-12-02 is not sent yet \(.*ECONNREFUSED.*\): trying again every 10 minutes$/)]);
    expect(digest.tick(NOW + 5 * 60_000)).toBeNull(); // not before 10 minutes
    server = new SMTPServer({ authOptional: true, disabledCommands: ['STARTTLS'], onData: (stream, _s, done) => void simpleParser(stream).then((m) => (received.push(m), done()), done) });
    await new Promise<void>((resolve) => server!.listen(port, '127.0.0.1', () => resolve()));
    await digest.tick(NOW + 11 * 60_000);
    expect(received).toHaveLength(1);
    expect(digest.messages()).toEqual([]);
    storage.close();
  });
});
