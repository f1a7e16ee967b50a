// mqtt-packet's cache of message-id Buffers (#20, memory): the hub writes ids
// on demand instead of holding 65 536 Buffers for the life of the process.
// Each case runs in a fresh node process: the cache is per process, and
// another test file in this worker may already have built it.
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);

/** A broker and a subscriber in a fresh process; one QoS 1 message delivered; how many cached id Buffers exist after. */
async function cachedIdsAfterDelivery(patched: boolean): Promise<number> {
  const script = `
    import { createServer } from 'node:net';
    import { createRequire } from 'node:module';
    import { Aedes } from 'aedes';
    import mqtt from 'mqtt';
    import { writeMessageIdsOnDemand } from ${JSON.stringify(resolve('dist/hub/broker/aedes-patches.js'))};
    if (${patched}) writeMessageIdsOnDemand();
    const broker = await Aedes.createBroker();
    const server = createServer((socket) => broker.handle(socket));
    await new Promise((done) => server.listen(0, '127.0.0.1', done));
    const client = await mqtt.connectAsync({ host: '127.0.0.1', port: server.address().port, clientId: 'pager', reconnectPeriod: 0 });
    await client.subscribeAsync('site/pager/alert', { qos: 1 });
    const received = new Promise((done) => client.once('message', (_topic, _payload, packet) => done(packet)));
    broker.publish({ cmd: 'publish', topic: 'site/pager/alert', payload: Buffer.from('x'), qos: 1, retain: false, dup: false }, () => undefined);
    const packet = await received;
    if (packet.qos !== 1 || !(packet.messageId > 0)) throw new Error('no QoS 1 delivery with a message id');
    const { cache } = createRequire(import.meta.url)('mqtt-packet/numbers.js');
    process.stdout.write(String(Object.keys(cache).length));
    await client.endAsync(true);
    broker.close();
    server.close();
  `;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: resolve('.'), timeout: 20_000 });
  return Number(stdout);
}

describe('message ids written on demand', () => {
  it('delivers QoS 1 with message ids and builds none of the 65 536 cached Buffers', async () => {
    expect(await cachedIdsAfterDelivery(true)).toBe(0);
  });

  it('(the library’s default, for contrast) holds a Buffer for every possible id after one delivery', async () => {
    expect(await cachedIdsAfterDelivery(false)).toBe(65_536);
  });
});
