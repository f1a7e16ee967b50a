// Dashboards that only take their bytes, in a process of their own (#20):
// browsers run on the owners' phones and computers, not in the load
// generator, whose event loop times the pagers. Opens N live streams
// (/api/live) with the session cookie from LIVE_COOKIE, prints "open N" when
// all answered 200, and holds them until its stdin closes (the bench ended or
// died) or SIGTERM.
//
// Each stream is read once every DRAIN_MS (--drain-ms), its bytes waiting in
// the kernel meanwhile: the hub writes every round as it would to a phone,
// but the reading, which a browser does on its own machine, does not wake
// this process fifty times a round on the two cores the hub has here. Read
// as the bytes come (--drain-ms 0), the streams' own wakeups cost the pagers'
// p99 about a millisecond on this machine (docs/benchmarks-findings.md §17).
import { connect, type Socket } from 'node:net';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({ options: { 'drain-ms': { type: 'string', default: '1000' } }, allowPositionals: true });
const [port, count] = positionals.map(Number);
const drainMs = Number(values['drain-ms']);
const cookie = process.env.LIVE_COOKIE ?? '';
const sockets: Socket[] = [];

/** Where every stream's bytes are read into, and dropped: a browser decodes on its own machine. */
const scratch = Buffer.alloc(64 * 1024);

/**
 * A stream on a plain socket that reads into `scratch` (net's `onread`): only
 * such a socket stops reading the moment it is paused. Node's HTTP client, and
 * a socket that buffers, read on until 16 KiB wait.
 */
function openOne(): Promise<void> {
  return new Promise((resolve, reject) => {
    let answered = false;
    const socket = connect({
      host: '127.0.0.1',
      port,
      onread: {
        buffer: scratch,
        callback: (bytes) => {
          if (!answered) answer(scratch.toString('latin1', 0, bytes));
          return true;
        },
      },
    });
    const answer = (text: string) => {
      answered = true;
      const status = /^HTTP\/1\.1 (\d+)/.exec(text)?.[1];
      if (status !== '200') return reject(new Error(`/api/live: ${status ?? 'no HTTP answer'}`));
      if (drainMs > 0) socket.pause();
      resolve();
    };
    socket.on('connect', () => socket.write(`GET /api/live HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nCookie: ${cookie}\r\nAccept: text/event-stream\r\n\r\n`));
    socket.once('error', reject);
    sockets.push(socket);
  });
}

function end(code: number): never {
  for (const socket of sockets) socket.destroy();
  process.exit(code);
}

process.on('SIGTERM', () => end(0));
process.stdin.on('end', () => end(0)).resume();
/** Reads what each stream holds, then leaves the bytes to the kernel again. */
function drain(): void {
  for (const socket of sockets) socket.resume();
  setImmediate(() => {
    for (const socket of sockets) socket.pause();
  });
}

Promise.all(Array.from({ length: count }, openOne)).then(
  () => {
    if (drainMs > 0) setInterval(drain, drainMs);
    process.stdout.write(`open ${count}\n`);
  },
  (error: Error) => {
    process.stderr.write(`live-streams: ${error.message}\n`);
    end(1);
  },
);
