// Issue #14.4: sockets that never send a byte must not pile up on the
// dashboard and MQTT-over-WebSocket ports until descriptors run out.
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { TestShop, eventually } from '../../support/shop.js';

let shop: TestShop | undefined;
const sockets: Socket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await shop?.close();
});

function idle(port: number, count: number): { closed: () => number } {
  let closed = 0;
  for (let i = 0; i < count; i++) {
    const socket = connect({ host: '127.0.0.1', port });
    socket.on('error', () => undefined);
    socket.on('close', () => closed++);
    sockets.push(socket);
  }
  return { closed: () => closed };
}

describe('idle connections', () => {
  it('closes sockets that send nothing on the dashboard and WebSocket ports after the idle timeout', async () => {
    shop = await TestShop.open({ http: { host: '127.0.0.1', port: 0, idleTimeoutS: 1 } as never });
    const http = idle(shop.hub.httpPort, 20);
    const ws = idle(shop.hub.wsPort, 20);
    await eventually(() => http.closed() === 20 && ws.closed() === 20, 6000, 'idle sockets closed');
    expect((await fetch(`http://127.0.0.1:${shop.hub.httpPort}/api/health`)).status).toBe(200); // the dashboard still answers
  });

  it('caps connections per source address on both ports', async () => {
    shop = await TestShop.open({ http: { host: '127.0.0.1', port: 0, maxConnectionsPerSource: 16 } as never });
    const http = idle(shop.hub.httpPort, 40);
    const ws = idle(shop.hub.wsPort, 40);
    await eventually(() => http.closed() >= 24 && ws.closed() >= 24, 3000, 'connections over the cap closed');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect([http.closed(), ws.closed()]).toEqual([24, 24]);
  });
});
