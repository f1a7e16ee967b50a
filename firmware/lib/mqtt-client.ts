// An MQTT 3.1.1 client for Espruino over require("net"), written for this
// project because the published modules lose QoS 1 messages. It keeps a
// persistent session (clean = false) with a retained last will, sends QoS 1
// with retransmission (DUP) until PUBACK, acknowledges what it receives,
// detects half-open connections by keepalive, gives up a connect attempt
// that never answers, and reconnects with backoff.

import type { NetApi, Socket } from '../hal/espruino-api.js';
import { backoffDelay } from './backoff.js';
import {
  CONNACK,
  PINGRESP,
  PUBACK,
  PUBLISH,
  SUBACK,
  connectPacket,
  disconnectPacket,
  pingreqPacket,
  pubackPacket,
  publishPacket,
  readPackets,
  subscribePacket,
  type Incoming,
} from './mqtt-packets.js';

export interface ClientDeps {
  net: NetApi;
  /** Milliseconds, monotonic enough for timeouts. */
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(id: unknown): void;
  random(): number;
  log(message: string): void;
}

export interface ClientOptions {
  host: string;
  port: number;
  clientId: string;
  username: string;
  password: string;
  keepaliveSeconds: number;
  connectTimeoutMs: number;
  will: { topic: string; payload: string; retain: boolean; qos: number } | null;
  /** Topics subscribed at QoS 1 after every connect. */
  subscriptions: string[];
  /** Largest packet accepted from the broker. */
  maxPacketBytes: number;
}

export interface ClientHandlers {
  onConnect(): void;
  onClose(reason: string): void;
  onMessage(topic: string, payload: string): void;
}

interface Outgoing {
  id: number;
  topic: string;
  /** Only the newest message on this topic is worth sending (a status, a heartbeat). */
  latestOnly: boolean;
  /** Called at every (re)transmission: a press recomputes its age each time. */
  payload: () => string;
  retain: boolean;
  /** Went out at least once: any later transmission carries DUP. */
  sent: boolean;
  onAck: () => void;
}

const BACKOFF_BASE_MS = 1000;
const BACKOFF_MAX_MS = 60000;
/**
 * A link must stay up this long before the backoff starts again from its
 * base: a broker that accepts and then closes (storage failure, rate limit)
 * is otherwise reconnected to about once a second.
 */
export const STABLE_LINK_MS = 30000;

export class MqttClient {
  connected = false;
  private socket: Socket | null = null;
  private buffer = '';
  private outgoing: Outgoing[] = [];
  private lastPacketId = 0;
  private attempt = 0;
  private running = false;
  private networkUp = false;
  private connectTimer: unknown = null;
  private retryTimer: unknown = null;
  private keepaliveTimer: unknown = null;
  private lastReceived = 0;
  private lastSent = 0;
  private connectedAt = 0;
  /** Bytes still to discard of a packet over the size limit. */
  private skip = 0;

  constructor(
    private readonly deps: ClientDeps,
    private readonly options: ClientOptions,
    private readonly handlers: ClientHandlers,
  ) {}

  /** Starts connecting as soon as the network is up, and keeps reconnecting until stop(). */
  start(): void {
    this.running = true;
    this.tryConnect();
  }

  stop(): void {
    this.running = false;
    if (this.socket && this.connected) this.write(disconnectPacket());
    this.drop('stopped');
  }

  /** The Wi-Fi layer reports the link; without it there is nothing to connect over. */
  setNetwork(up: boolean): void {
    this.networkUp = up;
    if (up) this.tryConnect();
    else this.drop('network down');
  }

  /**
   * QoS 1 publish; `onAck` runs on PUBACK. Kept and retransmitted across
   * reconnects until then. With `latestOnly`, a message still waiting on the
   * same topic is dropped for this one: the queue holds one status, one
   * heartbeat, however often the link comes and goes. Returns its packet id.
   */
  publish(topic: string, payload: () => string, retain: boolean, onAck: () => void, latestOnly?: boolean): number {
    if (latestOnly) {
      for (let i = this.outgoing.length - 1; i >= 0; i--) if (this.outgoing[i].latestOnly && this.outgoing[i].topic === topic) this.outgoing.splice(i, 1);
    }
    const message: Outgoing = { id: this.nextPacketId(), topic: topic, latestOnly: latestOnly === true, payload: payload, retain: retain, sent: false, onAck: onAck };
    this.outgoing.push(message);
    if (this.connected) this.transmit(message);
    return message.id;
  }

  /** Gives up a message that has no PUBACK yet: it is not sent again. */
  withdraw(packetId: number): void {
    for (let i = 0; i < this.outgoing.length; i++) {
      if (this.outgoing[i].id === packetId) {
        this.outgoing.splice(i, 1);
        return;
      }
    }
  }

  /** Messages waiting for their PUBACK (sent or not yet sent). */
  pending(): number {
    return this.outgoing.length;
  }

  // ---- connection -----------------------------------------------------------

  private tryConnect(): void {
    if (!this.running || !this.networkUp || this.socket || this.retryTimer) return;
    this.buffer = '';
    this.skip = 0;
    let socket: Socket;
    try {
      socket = this.deps.net.connect({ host: this.options.host, port: this.options.port }, () => {
        this.lastReceived = this.deps.now();
        this.write(
          connectPacket({
            clientId: this.options.clientId,
            username: this.options.username,
            password: this.options.password,
            keepaliveSeconds: this.options.keepaliveSeconds,
            cleanSession: false,
            will: this.options.will,
          }),
        );
      });
    } catch (e) {
      this.deps.log('mqtt: connect failed: ' + e);
      this.scheduleRetry();
      return;
    }
    this.socket = socket;
    // Espruino has no socket timeout: an attempt that never answers needs a timer.
    this.connectTimer = this.deps.setTimeout(() => {
      this.connectTimer = null;
      this.drop('no CONNACK within ' + this.options.connectTimeoutMs + ' ms');
    }, this.options.connectTimeoutMs);
    socket.on('data', (data: string) => {
      if (this.socket === socket) this.receive(data);
    });
    socket.on('close', () => {
      if (this.socket === socket) this.drop('connection closed');
    });
    socket.on('error', (error: unknown) => {
      if (this.socket === socket) this.drop('socket error ' + error);
    });
  }

  /** Closes the connection (if any) and, while running, schedules the next attempt. */
  private drop(reason: string): void {
    const socket = this.socket;
    const wasConnected = this.connected;
    this.socket = null;
    this.connected = false;
    this.clearTimer('connectTimer');
    this.clearTimer('keepaliveTimer');
    if (socket) {
      try {
        socket.end();
      } catch {
        // already closed
      }
    }
    if (socket) {
      this.deps.log('mqtt: ' + reason);
      if (wasConnected && this.deps.now() - this.connectedAt >= STABLE_LINK_MS) this.attempt = 0;
      if (wasConnected) this.handlers.onClose(reason);
    }
    if (!this.running || !this.networkUp) {
      this.clearTimer('retryTimer');
      return;
    }
    if (socket) this.scheduleRetry();
  }

  private scheduleRetry(): void {
    if (this.retryTimer || !this.running) return;
    const delay = backoffDelay(this.attempt++, BACKOFF_BASE_MS, BACKOFF_MAX_MS, this.deps.random());
    this.retryTimer = this.deps.setTimeout(() => {
      this.retryTimer = null;
      this.tryConnect();
    }, delay);
  }

  private clearTimer(name: 'connectTimer' | 'retryTimer' | 'keepaliveTimer'): void {
    if (this[name] !== null) {
      this.deps.clearTimeout(this[name]);
      this[name] = null;
    }
  }

  // ---- incoming ---------------------------------------------------------------

  private receive(data: string): void {
    this.lastReceived = this.deps.now();
    if (this.skip > 0) {
      const discarded = Math.min(this.skip, data.length);
      this.skip -= discarded;
      data = data.substr(discarded);
    }
    const result = readPackets(this.buffer + data, this.options.maxPacketBytes);
    this.buffer = result.rest;
    this.skip = result.skip;
    for (let i = 0; i < result.packets.length && this.socket; i++) this.handle(result.packets[i]);
    if (result.error) this.drop(result.error);
  }

  private handle(p: Incoming): void {
    if (p.tooLong > 0) {
      // Dropping the connection would only bring the same packet back, forever: acknowledge it and move on.
      this.deps.log('mqtt: skipped a ' + p.tooLong + '-byte packet (type ' + p.type + (p.topic ? ', topic ' + p.topic : '') + '): over the ' + this.options.maxPacketBytes + '-byte limit');
      if (p.type === PUBLISH && p.qos > 0) this.write(pubackPacket(p.packetId));
      return;
    }
    if (p.type === CONNACK) {
      this.clearTimer('connectTimer');
      if (p.code !== 0) {
        this.drop('broker refused the connection (code ' + p.code + ')');
        return;
      }
      this.onConnected();
    } else if (p.type === PUBLISH) {
      if (p.qos > 0) this.write(pubackPacket(p.packetId));
      this.handlers.onMessage(p.topic, p.payload);
    } else if (p.type === PUBACK) {
      for (let i = 0; i < this.outgoing.length; i++) {
        if (this.outgoing[i].id === p.packetId) {
          const message = this.outgoing.splice(i, 1)[0];
          message.onAck();
          break;
        }
      }
    } else if (p.type === SUBACK) {
      for (let i = 0; i < p.payload.length; i++) {
        if (p.payload.charCodeAt(i) === 0x80) this.deps.log('mqtt: subscription refused: ' + (this.options.subscriptions[i] || '#' + i));
      }
    } else if (p.type === PINGRESP) {
      // lastReceived is enough
    }
  }

  private onConnected(): void {
    this.connected = true;
    this.connectedAt = this.deps.now();
    if (this.options.subscriptions.length > 0) this.write(subscribePacket(this.nextPacketId(), this.options.subscriptions, 1));
    // Unacknowledged messages go again, in order, marked DUP if they went out before.
    for (let i = 0; i < this.outgoing.length; i++) this.transmit(this.outgoing[i]);
    this.startKeepalive();
    this.handlers.onConnect();
  }

  private startKeepalive(): void {
    const periodMs = this.options.keepaliveSeconds * 1000;
    const check = (): void => {
      this.keepaliveTimer = null;
      if (!this.connected) return;
      const now = this.deps.now();
      // Nothing heard for 1.5 keepalive periods: the connection is half-open.
      if (now - this.lastReceived > periodMs * 1.5) {
        this.drop('no answer from the broker for ' + Math.round((now - this.lastReceived) / 1000) + ' s');
        return;
      }
      if (now - this.lastSent >= periodMs / 2) this.write(pingreqPacket());
      this.keepaliveTimer = this.deps.setTimeout(check, periodMs / 4);
    };
    this.keepaliveTimer = this.deps.setTimeout(check, periodMs / 4);
  }

  // ---- outgoing ---------------------------------------------------------------

  private transmit(message: Outgoing): void {
    this.write(publishPacket(message.topic, message.payload(), 1, message.id, message.retain, message.sent));
    message.sent = true;
  }

  private write(bytes: string): void {
    if (!this.socket) return;
    this.lastSent = this.deps.now();
    this.socket.write(bytes);
  }

  private nextPacketId(): number {
    for (;;) {
      this.lastPacketId = this.lastPacketId >= 65535 ? 1 : this.lastPacketId + 1;
      let inUse = false;
      for (let i = 0; i < this.outgoing.length; i++) if (this.outgoing[i].id === this.lastPacketId) inUse = true;
      if (!inUse) return this.lastPacketId;
    }
  }
}
