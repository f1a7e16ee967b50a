// The live feed's pace (#20): a cheap view goes out 100 ms after a change; an
// expensive one (many open incidents, many dashboards) less often, so that the
// feed keeps to about 1 % of the event loop and presses come first.
import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { LiveFeed } from '../../../hub/web/live-feed.js';

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
async function run(renderMs: number, clients: number, forMs: number, viewBytes = 9): Promise<{ writes: number[] }> {
  const writes: number[] = [];
  const view = `{"red":1${' '.repeat(Math.max(0, viewBytes - 9))}}`;
  feed = new LiveFeed(
    async () => () => {
      busy(renderMs);
      return view;
    },
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

  it("sends a large view to many dashboards less often, keeping to the feed's share of the Wi-Fi (2 MiB/s)", async () => {
    // 100 kB to 20 dashboards is 2 MB a send: about one a second, not ten (20 MB/s).
    const { writes } = await run(0, 20, 2500, 100_000);
    expect(writes.length).toBeGreaterThanOrEqual(1);
    expect(writes.length).toBeLessThanOrEqual(4);
    for (let i = 1; i < writes.length; i++) expect(writes[i] - writes[i - 1]).toBeGreaterThan(700);
  });
});
