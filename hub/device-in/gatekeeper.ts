// The broker's three questions, answered for devices: may this client
// connect (its secret), subscribe (its own downlinks only), publish (its own
// uplinks only; then the channel's intake takes the packet).
import type { AuthenticateError, Client, PublishPacket, Subscription } from 'aedes';
import { verifySecret, VerifiedSecretCache } from '../auth/secrets.js';
import { checkSubscribe } from '../broker/access.js';
import type { LiveConfig } from '../live-config.js';
import type { UplinkIntake } from './intake.js';
import type { Callback, Refusals } from './refusals.js';

export interface Credentials {
  secretHashOf(deviceId: string): string | undefined;
}

export class Gatekeeper {
  private readonly secrets = new VerifiedSecretCache();

  constructor(
    private readonly live: LiveConfig,
    private readonly credentials: Credentials,
    private readonly intake: UplinkIntake,
    private readonly refusals: Refusals,
  ) {}

  authenticate(client: Client, username: string | undefined, password: Buffer | undefined, done: (error: AuthenticateError | null, success: boolean | null) => void): void {
    const refuse = (reason: string, code: AuthenticateError['returnCode']) => this.refusals.connect(client.id, username, reason, code, done);
    if (!username || !password) return refuse('no username or password', 4);
    if (username !== client.id) return refuse(`client id "${client.id}" differs from username "${username}"`, 2);
    if (!this.live.directory.get(username)) return refuse(`unknown device "${username}"`, 5);
    const hash = this.credentials.secretHashOf(username);
    if (!hash) return refuse(`device "${username}" has no secret: provision it with "loyalty-hub device add"`, 5);
    const secret = password.toString('utf8');
    if (this.secrets.matches(username, hash, secret)) return done(null, true);
    verifySecret(secret, hash).then(
      (valid) => {
        if (!valid) return refuse(`wrong secret for device "${username}"`, 4);
        this.secrets.remember(username, hash, secret);
        done(null, true);
      },
      (error: Error) => refuse(`secret check failed: ${error.message}`, 3),
    );
  }

  authorizeSubscribe(client: Client, subscription: Subscription, done: (error: Error | null, subscription?: Subscription | null) => void): void {
    const device = this.live.directory.get(client.id);
    const verdict = device ? checkSubscribe(this.live.site, device, subscription.topic) : { allowed: false as const, reason: 'device is no longer configured' };
    if (!verdict.allowed) {
      this.refusals.subscribe(client, subscription.topic, verdict.reason);
      return done(null, null);
    }
    done(null, { ...subscription, qos: Math.min(subscription.qos, 1) as Subscription['qos'] });
  }

  /**
   * aedes sends the PUBACK as soon as this calls back, so the packet is
   * handled here: the intake calls back only once it is committed.
   */
  authorizePublish(client: Client | null, packet: PublishPacket, done: Callback): void {
    if (!client) return done(null); // the hub's own publishes
    const device = this.live.directory.get(client.id);
    if (!device) return this.refusals.publish(client, 'device is no longer configured', done);
    const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
    const verdict = this.live.uplinkAccess.check(device, { topic: packet.topic, retain: packet.retain, payloadBytes: payload.length });
    if (!verdict.allowed) return this.refusals.publish(client, verdict.reason, done);
    this.intake.handle(verdict.value, client, device.id, payload.toString('utf8'), done);
  }
}
