// TLS where a shop wants it: HTTPS for the dashboard and MQTT over TLS for
// devices that can afford it, from a certificate the technician made.
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import mqtt from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { selfSignedCertificate } from '../support/certificate.js';
import { TestShop } from '../support/shop.js';

let shop: TestShop | undefined;
afterEach(async () => {
  await shop?.close();
});

describe('TLS', () => {
  it('serves the dashboard over HTTPS and MQTT over TLS when a certificate is configured', async (context) => {
    const tls = selfSignedCertificate();
    if (!tls) return context.skip(); // no openssl here
    shop = await TestShop.open({ tls: { ...tls, mqttPort: 0 } } as never);
    const ca = readFileSync(tls.certFile);
    const status = await new Promise<number>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: shop!.hub.httpPort, path: '/api/health', ca }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(200);
    const client = await mqtt.connectAsync(`mqtts://127.0.0.1:${shop.hub.mqttTlsPort}`, { clientId: 'btn-1', username: 'btn-1', password: shop.secrets['btn-1'], ca, reconnectPeriod: 0 });
    expect(client.connected).toBe(true);
    await client.endAsync();
    // Plain MQTT stays for the devices that cannot afford TLS.
    await shop.connect('btn-2');
  });
});
