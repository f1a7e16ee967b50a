// A lean MQTT 3.1.1 client for load generation: raw TCP sockets and the
// firmware's own packet codec (firmware/lib/mqtt-packets.ts), so hundreds of
// devices and tens of thousands of messages a second cost the load generator
// little. QoS 1 out (callback on PUBACK) and in (PUBACK sent).
import { connect as tcpConnect, type Socket } from 'node:net';
import { coalesceWrites } from '../../hub/broker/aedes-patches.js';
import {
  CONNACK,
  PUBACK,
  PUBLISH,
  SUBACK,
  connectPacket,
  pubackPacket,
  publishPacket,
  readPackets,
  subscribePacket,
} from '../../firmware/lib/mqtt-packets.js';

export interface RawClientOptions {
  port: number;
  clientId: string;
  username?: string;
  password?: string;
  clean?: boolean;
}

export class RawMqttClient {
  onMessage: (topic: string, payload: string) => void = () => undefined;
  private buffer = '';
  private nextId = 0;
  private readonly acks = new Map<number, () => void>();
  private connackWaiter: ((code: number) => void) | null = null;
  private subackWaiter: (() => void) | null = null;
  closed = false;

  private constructor(private readonly socket: Socket) {
    socket.setNoDelay(true);
    // Like the hub: one system call per connection per event-loop callback (the generator shares the machine with it).
    coalesceWrites(socket);
    socket.on('data', (data) => this.receive(data.toString('latin1')));
    socket.on('close', () => (this.closed = true));
    socket.on('error', () => (this.closed = true));
  }

  static async connect(options: RawClientOptions): Promise<RawMqttClient> {
    const socket = tcpConnect({ host: '127.0.0.1', port: options.port });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    const client = new RawMqttClient(socket);
    const code = await new Promise<number>((resolve) => {
      client.connackWaiter = resolve;
      client.write(
        connectPacket({
          clientId: options.clientId,
          username: options.username ?? options.clientId,
          password: options.password ?? '',
          keepaliveSeconds: 0,
          cleanSession: options.clean ?? false,
          will: null,
        }),
      );
    });
    if (code !== 0) throw new Error(`${options.clientId}: CONNACK ${code}`);
    return client;
  }

  subscribe(topics: string[]): Promise<void> {
    return new Promise((resolve) => {
      this.subackWaiter = resolve;
      this.write(subscribePacket(this.packetId(), topics, 1));
    });
  }

  publish(topic: string, payload: string, onAck: () => void): void {
    const id = this.packetId();
    this.acks.set(id, onAck);
    this.write(publishPacket(topic, payload, 1, id, false, false));
  }

  /** Unacknowledged publishes. */
  get inFlight(): number {
    return this.acks.size;
  }

  end(): void {
    this.socket.destroy();
  }

  private packetId(): number {
    do this.nextId = this.nextId >= 65535 ? 1 : this.nextId + 1;
    while (this.acks.has(this.nextId));
    return this.nextId;
  }

  private write(bytes: string): void {
    if (!this.closed) this.socket.write(Buffer.from(bytes, 'latin1'));
  }

  private receive(data: string): void {
    const result = readPackets(this.buffer + data, 1 << 20);
    this.buffer = result.rest;
    for (const p of result.packets) {
      if (p.type === PUBACK) {
        const ack = this.acks.get(p.packetId);
        this.acks.delete(p.packetId);
        ack?.();
      } else if (p.type === PUBLISH) {
        if (p.qos > 0) this.write(pubackPacket(p.packetId));
        this.onMessage(p.topic, p.payload);
      } else if (p.type === CONNACK) {
        this.connackWaiter?.(p.code);
      } else if (p.type === SUBACK) {
        this.subackWaiter?.();
      }
    }
  }
}
