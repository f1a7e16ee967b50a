// Baseline 2, the DIY anchor: what a Node-RED or Home Assistant user builds
// with mosquitto — a minimal mqtt.js process that forwards each press to a
// pager topic. No persistence, no incidents, no escalation.
import mqtt from 'mqtt';

const [port, site] = [Number(process.argv[2]), process.argv[3]];
/** button id → pager id, as "btn-1=pgr-1,btn-2=pgr-2". */
const routes = new Map((process.argv[4] ?? '').split(',').map((pair) => pair.split('=') as [string, string]));

const client = mqtt.connect(`mqtt://127.0.0.1:${port}`, { clientId: 'diy-forwarder', clean: true, reconnectPeriod: 1000 });
client.on('connect', () => {
  client.subscribe(`lb/1/${site}/+/press`, { qos: 1 }, () => process.stdout.write('ready\n'));
});
client.on('message', (topic, payload) => {
  const button = topic.split('/')[3];
  const pager = routes.get(button);
  if (!pager) return;
  const press = JSON.parse(payload.toString()) as { q: number };
  client.publish(`lb/1/${site}/${pager}/alert`, JSON.stringify({ b: button, q: press.q }), { qos: 1 });
});
process.on('SIGTERM', () => client.end(true, () => process.exit(0)));
