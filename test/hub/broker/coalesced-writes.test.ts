import { Duplex } from 'node:stream';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { coalesceWrites } from '../../../hub/broker/aedes-patches.js';
import { flushAfterQueuedImmediates, flushCorked, whenSent } from '../../../hub/broker/coalesced-writes.js';

/** A connection that records each system-call-sized write it is given. */
function recordingStream(): { stream: Duplex; calls: string[][] } {
  const calls: string[][] = [];
  const stream = new Duplex({
    read() {},
    write(chunk: Buffer, _encoding, done) {
      calls.push([chunk.toString()]);
      done();
    },
    writev(chunks, done) {
      calls.push(chunks.map((c) => String(c.chunk)));
      done();
    },
  });
  return { stream, calls };
}

describe('coalesced writes', () => {
  it('sends what one callback wrote to a connection in one write, once the callback is done', async () => {
    const a = recordingStream();
    const b = recordingStream();
    coalesceWrites(a.stream);
    coalesceWrites(b.stream);
    a.stream.write('puback 1');
    b.stream.write('alert 1');
    a.stream.write('puback 2');
    expect(a.calls).toEqual([]); // held until the callback is done
    await nextTurn();
    expect(a.calls).toEqual([['puback 1', 'puback 2']]);
    expect(b.calls).toEqual([['alert 1']]);

    a.stream.write('puback 3'); // a later callback gets a write of its own
    await nextTurn();
    expect(a.calls).toEqual([['puback 1', 'puback 2'], ['puback 3']]);
  });

  it('sends at once when asked, and lets end() flush what is held', async () => {
    const a = recordingStream();
    coalesceWrites(a.stream);
    a.stream.write('press 1');
    flushCorked();
    expect(a.calls).toEqual([['press 1']]);
    a.stream.write('connack refused');
    a.stream.end();
    await nextTurn();
    expect(a.calls.flat()).toEqual(['press 1', 'connack refused']);
  });

  it('tells when a watched buffer has been handed to the socket: at the flush, not before', async () => {
    const a = recordingStream();
    coalesceWrites(a.stream);
    const alert = Buffer.from('{"i":1}');
    const sent: string[] = [];
    whenSent(alert, () => sent.push(`sent after ${a.calls.length} write(s)`));
    a.stream.write(Buffer.from('header'));
    a.stream.write(alert);
    expect(sent).toEqual([]);
    await nextTurn();
    expect(sent).toEqual(['sent after 1 write(s)']);
    a.stream.write(alert); // once only
    await nextTurn();
    expect(sent).toHaveLength(1);
  });

  it('flushes what setImmediate callbacks queued by promise jobs write (as aedes writes alerts) in one write per connection', async () => {
    const pager = recordingStream();
    coalesceWrites(pager.stream);
    // Like three presses for one pager in one socket read: aedes queues each alert's write from a promise job.
    for (let n = 1; n <= 3; n++) {
      void Promise.resolve().then(() => setImmediate(() => pager.stream.write(`alert ${n}`)));
      flushAfterQueuedImmediates();
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(pager.calls).toEqual([['alert 1', 'alert 2', 'alert 3']]);
  });
});
