// A flood of MQTT CONNECTs with a wrong secret, from this process, bounded in
// rate and time: what an unauthenticated attacker on the LAN can send.
import { connect } from 'node:net';
import { connectPacket } from '../../firmware/lib/mqtt-packets.js';

export interface Flood {
  /** CONNECTs sent, and CONNACKs (refusals) received. */
  sent: number;
  answered: number;
  stop(): Promise<void>;
}

export function connectFlood(port: number, deviceId: string, perSecond: number, maxSeconds: number): Flood {
  const packet = Buffer.from(connectPacket({ clientId: deviceId, username: deviceId, password: 'not-the-secret', keepaliveSeconds: 30, cleanSession: true, will: null }), 'latin1');
  const flood: Flood = { sent: 0, answered: 0, stop: async () => undefined };
  const open = new Set<ReturnType<typeof connect>>();
  const TICK_MS = 10;
  const perTick = Math.max(1, Math.round((perSecond * TICK_MS) / 1000));
  const ends = Date.now() + maxSeconds * 1000;
  const timer = setInterval(() => {
    if (Date.now() > ends) return clearInterval(timer);
    for (let i = 0; i < perTick; i++) {
      const socket = connect({ host: '127.0.0.1', port }, () => {
        flood.sent++;
        socket.write(packet);
      });
      open.add(socket);
      socket.on('data', () => {
        flood.answered++;
        socket.destroy();
      });
      socket.on('error', () => undefined);
      socket.on('close', () => open.delete(socket));
    }
  }, TICK_MS);
  flood.stop = async () => {
    clearInterval(timer);
    for (const socket of open) socket.destroy();
    await new Promise((resolve) => setTimeout(resolve, 50));
  };
  return flood;
}
