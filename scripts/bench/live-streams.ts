// Dashboards that only take their bytes, in a process of their own (#20):
// browsers run on the owners' phones and computers, not in the load
// generator, whose event loop times the pagers. Opens N live streams
// (/api/live) with the session cookie from LIVE_COOKIE, prints "open N" when
// all answered 200, and holds them until its stdin closes (the bench ended or
// died) or SIGTERM.
import { request, type ClientRequest } from 'node:http';

const [port, count] = process.argv.slice(2).map(Number);
const cookie = process.env.LIVE_COOKIE ?? '';
const requests: ClientRequest[] = [];

function openOne(): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/api/live', headers: { Cookie: cookie, Accept: 'text/event-stream' } }, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`/api/live: ${res.statusCode}`));
      // Taken and dropped, not decoded: a browser decodes on its own machine.
      res.resume();
      resolve();
    });
    req.on('error', reject);
    req.end();
    requests.push(req);
  });
}

function end(code: number): never {
  for (const req of requests) req.destroy();
  process.exit(code);
}

process.on('SIGTERM', () => end(0));
process.stdin.on('end', () => end(0)).resume();
Promise.all(Array.from({ length: count }, openOne)).then(
  () => process.stdout.write(`open ${count}\n`),
  (error: Error) => {
    process.stderr.write(`live-streams: ${error.message}\n`);
    end(1);
  },
);
