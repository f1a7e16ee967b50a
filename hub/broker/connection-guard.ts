// Connections that cost the hub a descriptor each, kept in check: at most
// `maxPerSource` open per remote address (beyond, closed at once), and
// closed when nothing is read for `idleTimeoutMs` until something else
// (HTTP keep-alive, MQTT keepalive) takes over. For the dashboard's and the
// MQTT-over-WebSocket port; device TCP connections have aedes' connect timeout
// and MQTT keepalive, and many devices share one address behind NAT.
import type { Server, Socket } from 'node:net';
import type { Logger } from '../log.js';

export interface ConnectionLimits {
  idleTimeoutMs: number;
  maxPerSource: number;
}

/** Counts open connections per address and closes those over the cap; `onRefused` counts them. */
export function capConnectionsPerSource(server: Server, limits: ConnectionLimits, log: Logger, what: string, onRefused: () => void): void {
  const open = new Map<string, number>();
  server.on('connection', (socket: Socket) => {
    const source = socket.remoteAddress ?? 'unknown';
    const count = (open.get(source) ?? 0) + 1;
    if (count > limits.maxPerSource) {
      onRefused();
      log.warn({ source, limit: limits.maxPerSource, port: what }, 'connection refused: too many from one address');
      socket.destroy();
      return;
    }
    open.set(source, count);
    socket.once('close', () => {
      const left = (open.get(source) ?? 1) - 1;
      if (left > 0) open.set(source, left);
      else open.delete(source);
    });
  });
}
