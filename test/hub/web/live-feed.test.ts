// The live feed's pace (#20): a cheap view goes out 100 ms after a change; an
// expensive one (many open incidents, many dashboards) less often, so that the
// feed keeps to about 1 % of the event loop and presses come first.
import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { TodayChanges, TodayView } from '../../../hub/contract/api-types.js';
import { LiveFeed, type LiveView } from '../../../hub/web/live-feed.js';
import { withChanges } from '../../../hub/web/ui/today-changes.js';
import { seededRandom } from '../../support/random.js';

/** A response that records when each "today" event was written. */
function fakeClient(writes: number[]) {
  const request = new EventEmitter() as IncomingMessage;
  const res = {
    writeHead: () => undefined,
    write: (chunk: string | Buffer) => {
      if (String(chunk).startsWith('event: today')) writes.push(performance.now());
      return true;
    },
    end: () => undefined,
  } as unknown as ServerResponse<IncomingMessage>;
  return { request, res };
}

const busy = (ms: number) => {
  const until = performance.now() + ms;
  while (performance.now() < until);
};

let feed: LiveFeed | undefined;
afterEach(() => feed?.close());

/** Changes every 10 ms for `forMs`; the times "today" was written to the first client, after the one at attach. */
async function run(renderMs: number, clients: number, forMs: number, viewBytes = 9, madeInMs = 0): Promise<{ writes: number[] }> {
  const writes: number[] = [];
  const view = `{"red":1${' '.repeat(Math.max(0, viewBytes - 9))}}`;
  feed = new LiveFeed(
    async () => ({
      head: () => {
        busy(renderMs);
        return view;
      },
      madeInMs,
    }),
    (topic) => topic === 'today',
    60_000,
  );
  for (let i = 0; i < clients; i++) {
    const { request, res } = fakeClient(i === 0 ? writes : []);
    feed.attach(request, res, 'session', 'en', () => true);
  }
  await new Promise((resolve) => setImmediate(resolve)); // the views sent at attach
  writes.length = 0;
  const changes = setInterval(() => feed!.changed('today'), 10);
  await new Promise((resolve) => setTimeout(resolve, forMs));
  clearInterval(changes);
  const f = feed;
  feed = undefined;
  f.close();
  return { writes };
}

describe('the live feed', () => {
  it('sends a cheap view about every 100 ms while things change', async () => {
    const { writes } = await run(0, 3, 1000);
    expect(writes.length).toBeGreaterThanOrEqual(6);
    expect(writes.length).toBeLessThanOrEqual(11);
  });

  it('sends an expensive view less often, keeping to about 1 % of the event loop', async () => {
    // 8 ms to make: at 1 % that is one send every 800 ms, not ten a second (ten would be 8 % of the loop).
    const { writes } = await run(8, 3, 2000);
    expect(writes.length).toBeGreaterThanOrEqual(1);
    expect(writes.length).toBeLessThanOrEqual(4);
    for (let i = 1; i < writes.length; i++) expect(writes[i] - writes[i - 1]).toBeGreaterThan(400);
  });

  it("counts the time its facts took on the journal's worker in that 1 % (on one core it is the event loop's)", async () => {
    const { writes } = await run(0, 3, 2000, 9, 8);
    expect(writes.length).toBeGreaterThanOrEqual(1);
    expect(writes.length).toBeLessThanOrEqual(4);
    for (let i = 1; i < writes.length; i++) expect(writes[i] - writes[i - 1]).toBeGreaterThan(400);
  });

  it("sends a large view to many dashboards less often, keeping to the feed's share of the Wi-Fi (2 MiB/s)", async () => {
    // 100 kB to 20 dashboards is 2 MB a send: about one a second, not ten (20 MB/s).
    const { writes } = await run(0, 20, 2500, 100_000);
    expect(writes.length).toBeGreaterThanOrEqual(1);
    expect(writes.length).toBeLessThanOrEqual(4);
    for (let i = 1; i < writes.length; i++) expect(writes[i] - writes[i - 1]).toBeGreaterThan(700);
  });
});

/** A response that keeps every message written to it, as [event, data]. */
function recordingClient() {
  const request = new EventEmitter() as IncomingMessage;
  const messages: [string, string][] = [];
  const res = {
    writeHead: () => undefined,
    write: (chunk: string | Buffer) => {
      const text = String(chunk);
      const event = /^event: (.*)\ndata: (.*)\n\n$/s.exec(text);
      if (event && event[1] !== 'ping') messages.push([event[1], event[2]]);
      return true;
    },
    end: () => undefined,
  } as unknown as ServerResponse<IncomingMessage>;
  /** What the page shows: the whole view, with each change applied as app.ts does. */
  const shown = (): TodayView | undefined => {
    let view: TodayView | undefined;
    for (const [event, data] of messages) {
      if (event === 'today') view = JSON.parse(data) as TodayView;
      if (event === 'today-changes' && view) view = withChanges(view, JSON.parse(data) as TodayChanges);
    }
    return view;
  };
  return { request, res, messages, shown };
}

const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the live feed sends what changed (#20)', () => {
  /** A shop's open incidents, changed at random; the feed's view of them as the server makes it. */
  function shop(seed: number) {
    const random = seededRandom(seed);
    const open = new Map<number, { id: number; openedAt: number; count: number; location: string }>();
    let [red, nextId] = [0, 1];
    const step = () => {
      const roll = random();
      if (roll < 0.3 || open.size === 0) {
        const id = nextId++;
        open.set(id, { id, openedAt: 1000 + id, count: 1, location: `Counter ${id}` });
      } else if (roll < 0.45) {
        open.delete([...open.keys()][Math.floor(random() * open.size)]);
      } else if (roll < 0.55) {
        [...open.values()][Math.floor(random() * open.size)].location += '*'; // a steady field changes: the incident goes whole
      } else {
        const incident = [...open.values()][Math.floor(random() * open.size)];
        incident.count++;
      }
      red++;
    };
    const view = async (): Promise<LiveView> => {
      // As the journal's worker makes them (store/read-ops.ts): whole, and as a pulse (what a press changes) and the steady rest.
      const items = [...open.values()].map(({ id, count, ...rest }) => ({ id, json: JSON.stringify({ id, count, ...rest }), pulse: JSON.stringify({ id, count }), steady: JSON.stringify(rest) }));
      const head = JSON.stringify({ now: red, date: '2026-12-07', timeZone: 'UTC', red, green: 0, customers: { red, green: 0 }, incidents: nextId - 1, alarms: [] });
      return { head: () => head, list: { field: 'open', items } };
    };
    const expected = () => ({ red, open: [...open.values()] });
    return { step, view, expected };
  }

  it('sends the whole view first, then only the incidents that changed, and the page puts them together into the current view', async () => {
    const s = shop(7);
    for (let i = 0; i < 40; i++) s.step();
    feed = new LiveFeed(s.view, (topic) => topic === 'today', 60_000);
    const early = recordingClient();
    feed.attach(early.request, early.res, 'session', 'en', () => true);
    let late: ReturnType<typeof recordingClient> | undefined;
    for (let i = 0; i < 30; i++) {
      s.step();
      s.step();
      feed.changed('today');
      await settle(40);
      if (i === 12) {
        late = recordingClient(); // connects in the middle, while rounds are under way
        feed.attach(late.request, late.res, 'session', 'en', () => true);
      }
    }
    await settle(300);
    for (const client of [early, late!]) {
      expect(client.messages[0][0]).toBe('today');
      const shown = client.shown()!;
      expect({ red: shown.red, open: shown.open }).toEqual(s.expected());
    }
    // After the first, the messages were changes, and small: a few incidents, not all of them.
    const changes = early.messages.slice(1);
    expect(changes.length).toBeGreaterThan(3);
    expect(changes.every(([event]) => event === 'today-changes')).toBe(true);
    const incidentsPerChange = changes.map(([, data]) => (JSON.parse(data) as TodayChanges).open.length);
    expect(Math.max(...incidentsPerChange)).toBeLessThan(s.expected().open.length);
    // A press on an open incident sends its pulse only (its id and count), a new incident goes whole.
    const sent = changes.flatMap(([, data]) => (JSON.parse(data) as TodayChanges).open.map((incident) => Object.keys(incident).sort().join(',')));
    expect(sent).toContain('count,id');
    expect(sent).toContain('count,id,location,openedAt');
  });

  it("gives a stream that connects the last round's view at once when it is recent, without fetching the facts again", async () => {
    const s = shop(11);
    for (let i = 0; i < 10; i++) s.step();
    let fetched = 0;
    feed = new LiveFeed(
      async () => {
        fetched++;
        return s.view();
      },
      (topic) => topic === 'today',
      60_000,
    );
    const first = recordingClient();
    feed.attach(first.request, first.res, 'session', 'en', () => true);
    await settle(50);
    expect([first.messages.map(([event]) => event), fetched]).toEqual([['today'], 1]);
    const second = recordingClient();
    feed.attach(second.request, second.res, 'session', 'en', () => true);
    expect([second.messages.map(([event]) => event), fetched]).toEqual([['today'], 1]);
    // And the next change reaches both as changes.
    s.step();
    feed.changed('today');
    await settle(250);
    for (const client of [first, second]) {
      expect(client.messages.map(([event]) => event)).toEqual(['today', 'today-changes']);
      expect({ red: client.shown()!.red, open: client.shown()!.open }).toEqual(s.expected());
    }
  });
});
