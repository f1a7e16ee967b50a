// Issue #14.14: a page on another origin must not reach the MQTT-over-WebSocket
// listener, and DNS rebinding (a foreign name pointing at the hub) must not
// reach the dashboard.
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { TestShop } from '../../support/shop.js';

let shop: TestShop | undefined;
afterEach(async () => {
  await shop?.close();
});

function getWithHost(port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/login', headers: { Host: host } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

function upgrade(port: number, origin: string | undefined): Promise<string> {
  return new Promise((resolve) => {
    const socket = new WebSocket(`ws://127.0.0.1:${port}/`, 'mqtt', origin ? { origin } : {});
    socket.on('open', () => {
      socket.close();
      resolve('open');
    });
    socket.on('unexpected-response', (_req, res) => resolve(`refused ${res.statusCode}`));
    socket.on('error', () => resolve('error'));
  });
}

describe('allowed hosts and origins', () => {
  it('answers the dashboard only under its own names and addresses', async () => {
    shop = await TestShop.open();
    const port = shop.hub.httpPort;
    expect(await getWithHost(port, `127.0.0.1:${port}`)).toBe(200);
    expect(await getWithHost(port, `localhost:${port}`)).toBe(200);
    expect(await getWithHost(port, 'evil.example')).toBe(421);
  });

  it('lets a configured name in', async () => {
    shop = await TestShop.open({ http: { host: '127.0.0.1', port: 0, allowedHosts: ['hub.cafe.example'] } as never });
    expect(await getWithHost(shop.hub.httpPort, 'hub.cafe.example')).toBe(200);
  });

  it('refuses a WebSocket upgrade from a foreign origin, and takes one from the hub’s own pages or without an Origin', async () => {
    shop = await TestShop.open();
    const port = shop.hub.wsPort;
    expect(await upgrade(port, 'http://evil.example')).toBe('refused 403');
    expect(await upgrade(port, `http://127.0.0.1:${shop.hub.httpPort}`)).toBe('open');
    expect(await upgrade(port, undefined)).toBe('open'); // not a browser
  });
});
