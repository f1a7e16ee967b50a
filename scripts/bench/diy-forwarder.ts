// The DIY peers: what a Node-RED or Home Assistant user builds with
// mosquitto — a minimal mqtt.js process that forwards each press to a pager
// topic. No incidents, no escalation. With a database file (the careful
// user's version), each press is first stored in SQLite (WAL,
// synchronous=FULL: fsync'd) and only then forwarded, so "durable" is
// compared with "durable" (mosquitto still PUBACKs the button on receipt).
//   node diy-forwarder.js PORT SITE ROUTES [DATABASE]
import Database from 'better-sqlite3';
import mqtt from 'mqtt';

const [port, site, file] = [Number(process.argv[2]), process.argv[3], process.argv[5]];
/** button id → pager id, as "btn-1=pgr-1,btn-2=pgr-2". */
const routes = new Map((process.argv[4] ?? '').split(',').map((pair) => pair.split('=') as [string, string]));

let store: ((button: string, seq: number) => void) | null = null;
if (file) {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec('CREATE TABLE IF NOT EXISTS presses (button TEXT NOT NULL, seq INTEGER NOT NULL, at INTEGER NOT NULL, PRIMARY KEY (button, seq))');
  const insert = db.prepare('INSERT OR IGNORE INTO presses (button, seq, at) VALUES (?, ?, ?)');
  store = (button, seq) => void insert.run(button, seq, Date.now());
}

const client = mqtt.connect(`mqtt://127.0.0.1:${port}`, { clientId: 'diy-forwarder', clean: true, reconnectPeriod: 1000 });
client.on('connect', () => {
  client.subscribe(`lb/1/${site}/+/press`, { qos: 1 }, () => process.stdout.write('ready\n'));
});
client.on('message', (topic, payload) => {
  const button = topic.split('/')[3];
  const pager = routes.get(button);
  if (!pager) return;
  const press = JSON.parse(payload.toString()) as { q: number };
  store?.(button, press.q);
  client.publish(`lb/1/${site}/${pager}/alert`, JSON.stringify({ b: button, q: press.q }), { qos: 1 });
});
process.on('SIGTERM', () => client.end(true, () => process.exit(0)));
