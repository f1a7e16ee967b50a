// The broker's network edges: MQTT over TCP for devices, MQTT over WebSocket
// for browsers. Both close a connection that announces an oversized packet.
import { createServer as createHttpServer } from 'node:http';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import type { Duplex } from 'node:stream';
import type { Aedes } from 'aedes';
import { WebSocketServer, createWebSocketStream } from 'ws';
import type { Logger } from '../log.js';
import { coalesceWrites } from './aedes-patches.js';
import { capConnectionsPerSource, type ConnectionLimits } from './connection-guard.js';
import { MqttFrameMeter } from './packet-size-guard.js';

export interface ListenOptions {
  host: string;
  port: number;
  maxPacketBytes: number;
  log: Logger;
  /** Called with the reason whenever a connection is cut for its size. */
  onOversized?: (reason: string) => void;
}

/**
 * Watches the bytes the broker reads. With a 'readable' listener in charge
 * (aedes reads in paused mode) a 'data' listener sees each chunk as the broker
 * reads it, without changing the flow or copying anything.
 */
function guardPacketSize(stream: Duplex, options: ListenOptions, peer: string): void {
  const meter = new MqttFrameMeter(options.maxPacketBytes);
  const onData = (chunk: Buffer) => {
    const problem = meter.feed(chunk);
    if (!problem) return;
    stream.off('data', onData);
    options.log.warn({ peer, reason: problem }, 'connection closed: oversized packet');
    options.onOversized?.(problem);
    stream.destroy();
  };
  stream.on('data', onData);
}

export function listenTcp(broker: Aedes, options: ListenOptions): Promise<Server> {
  const server = createServer((socket) => {
    // Nagle's algorithm would hold small QoS 1 packets back for up to ~40 ms.
    socket.setNoDelay(true);
    coalesceWrites(socket);
    broker.handle(socket);
    guardPacketSize(socket, options, `${socket.remoteAddress}:${socket.remotePort}`);
  });
  return listen(server, options);
}

/** MQTT over TLS (8883) for devices that can afford the handshake; the same guards as plain TCP. */
export function listenTls(broker: Aedes, options: ListenOptions & { key: Buffer; cert: Buffer }): Promise<Server> {
  const server = createTlsServer({ key: options.key, cert: options.cert }, (socket) => {
    socket.setNoDelay(true);
    coalesceWrites(socket);
    broker.handle(socket);
    guardPacketSize(socket, options, `${socket.remoteAddress}:${socket.remotePort} (tls)`);
  });
  server.on('tlsClientError', (error, socket) => options.log.info({ peer: socket.remoteAddress, error: error.message }, 'TLS handshake failed'));
  return listen(server, options);
}

/**
 * MQTT over WebSocket, on an HTTP server of its own so that a socket that
 * never completes its upgrade is closed after the idle timeout, and one
 * address holds at most so many. After the upgrade MQTT's keepalive (and
 * aedes' connect timeout) watch the connection instead.
 */
export function listenWebSocket(
  broker: Aedes,
  options: ListenOptions & { limits: ConnectionLimits; onRefused: () => void; originAllowed: (origin: string) => boolean; onForeignOrigin: () => void },
): Promise<Server> {
  const http = createHttpServer((_request, response) => {
    response.writeHead(426, { 'Content-Type': 'text/plain' }).end('MQTT over WebSocket only\n');
  });
  http.timeout = options.limits.idleTimeoutMs;
  http.headersTimeout = Math.min(options.limits.idleTimeoutMs, 60_000);
  http.requestTimeout = Math.min(options.limits.idleTimeoutMs, 60_000);
  capConnectionsPerSource(http, options.limits, options.log, 'ws', options.onRefused);
  // A browser always sends Origin: one from a page that is not the hub's is refused (403). Devices send none.
  const wss = new WebSocketServer({
    server: http,
    maxPayload: options.maxPacketBytes + 8,
    verifyClient: ({ origin, req }: { origin?: string; req: { socket: { remoteAddress?: string } } }, answer: (ok: boolean, code?: number, message?: string) => void) => {
      if (origin === undefined || options.originAllowed(origin)) return answer(true);
      options.onForeignOrigin();
      options.log.warn({ origin, source: req.socket.remoteAddress }, 'WebSocket refused: foreign origin');
      answer(false, 403, 'Forbidden');
    },
  });
  wss.on('connection', (socket, request) => {
    request.socket.setTimeout(0);
    const stream = createWebSocketStream(socket);
    coalesceWrites(stream);
    broker.handle(stream, request);
    guardPacketSize(stream, options, `${request.socket.remoteAddress}:${request.socket.remotePort} (ws)`);
  });
  http.on('close', () => wss.close());
  return listen(http, options);
}

function listen(server: Server, options: ListenOptions): Promise<Server> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

export function portOf(server: Server): number {
  return (server.address() as AddressInfo).port;
}
