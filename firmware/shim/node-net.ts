// Espruino's require("net") on Node sockets: bytes as 8-bit strings, as the
// device's sockets deliver them. The link can be taken down (connects fail,
// sockets die) or black-holed (bytes vanish, sockets stay open: half-open).
import { connect as tcpConnect, type Socket as NodeSocket } from 'node:net';
import type { NetApi, Socket } from '../hal/espruino-api.js';

export interface Link {
  up: boolean;
  blackhole: boolean;
}

export interface NodeNetOptions {
  link: Link;
  /** Runs a firmware callback (the device wraps it to catch what the firmware throws). */
  run?: (callback: () => void) => void;
  /** Told of every socket, so a device can destroy them all at a power cut. */
  track?: (socket: NodeSocket) => void;
  /** Told of every write and every data event (the radio's work). */
  onTraffic?: (direction: 'sent' | 'received', data: string) => void;
}

export function createNodeNet(options: NodeNetOptions): NetApi {
  const run = options.run ?? ((callback: () => void) => callback());
  return {
    connect(target, onConnect): Socket {
      const handlers = new Map<string, ((arg?: unknown) => void)[]>();
      const fire = (event: string, arg?: unknown) => {
        for (const handler of handlers.get(event) ?? []) run(() => handler(arg));
      };
      const node = tcpConnect({ host: target.host, port: target.port });
      const socket: Socket = {
        write: (data: string) => {
          if (options.link.blackhole || node.destroyed) return;
          options.onTraffic?.('sent', data);
          node.write(Buffer.from(data, 'latin1'));
        },
        end: () => node.destroy(),
        on: ((event: string, handler: (arg?: unknown) => void) => {
          handlers.set(event, [...(handlers.get(event) ?? []), handler]);
        }) as Socket['on'],
      };
      if (!options.link.up) {
        // No route: the attempt fails after a moment.
        node.destroy();
        setTimeout(() => fire('close'), 100);
        return socket;
      }
      node.setNoDelay(true);
      options.track?.(node);
      node.on('connect', () => run(onConnect));
      node.on('data', (data) => {
        if (options.link.blackhole) return;
        const text = data.toString('latin1');
        options.onTraffic?.('received', text);
        fire('data', text);
      });
      // Behind a black hole the device hears nothing, not even the far end closing: that is what half-open means.
      node.on('error', (error) => {
        if (!options.link.blackhole) fire('error', error.message);
      });
      node.on('close', () => {
        if (!options.link.blackhole) fire('close');
      });
      return socket;
    },
  };
}
