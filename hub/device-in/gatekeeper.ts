// The broker's three questions, answered for devices: may this client
// connect (its secret), subscribe (its own downlinks only), publish (its own
// uplinks only; then the channel's intake takes the packet).
import type { AuthenticateError, Client, PublishPacket, Subscription } from 'aedes';
import { BoundedWork } from '../auth/bounded-work.js';
import { deviceSecretMatches, hashDeviceSecret, isLegacyHash, verifyPassword } from '../auth/secrets.js';
import { checkSubscribe } from '../broker/access.js';
import type { Clock } from '../domain/clock.js';
import type { LiveConfig } from '../live-config.js';
import type { UplinkIntake } from './intake.js';
import type { Callback, Refusals } from './refusals.js';

export interface Credentials {
  secretHashOf(deviceId: string): string | undefined;
  setSecretHash(deviceId: string, hash: string, now: number): void;
  pendingHashOf(deviceId: string): string | undefined;
}

/** Legacy (scrypt) secret checks at once, and waiting: beyond, a CONNECT is refused as "server unavailable" and retried. */
const LEGACY_CHECKS = { concurrency: 1, queue: 8 };

export class Gatekeeper {
  private readonly legacyChecks = new BoundedWork(LEGACY_CHECKS.concurrency, LEGACY_CHECKS.queue);

  constructor(
    private readonly live: LiveConfig,
    private readonly credentials: Credentials,
    private readonly intake: UplinkIntake,
    private readonly refusals: Refusals,
    private readonly clock: Clock,
    /** The database could not be read: the storage alarm. */
    private readonly onStorageError: (error: Error) => void,
  ) {}

  authenticate(client: Client, username: string | undefined, password: Buffer | undefined, done: (error: AuthenticateError | null, success: boolean | null) => void): void {
    // Unknown device, no secret and wrong secret get the same answer (4): a CONNACK must not tell which ids exist. The log says which.
    const refuse = (reason: string, code: AuthenticateError['returnCode'] = 4) => this.refusals.connect(client.id, username, reason, code, done);
    if (!username || !password) return refuse('no username or password');
    if (username !== client.id) return refuse(`client id "${client.id}" differs from username "${username}"`, 2);
    if (!this.live.directory.get(username)) return refuse(`unknown device "${username}"`);
    const unreadable = (error: unknown) => {
      this.onStorageError(error as Error);
      refuse(`credentials unreadable: ${(error as Error).message}`, 3);
    };
    let hash: string | undefined;
    try {
      hash = this.credentials.secretHashOf(username);
    } catch (error) {
      return unreadable(error);
    }
    if (!hash) return refuse(`device "${username}" has no secret: provision it with "loyalty-hub device add"`);
    const secret = password.toString('utf8');
    if (deviceSecretMatches(secret, hash)) return done(null, true);
    // The device was just flashed: its new secret replaces the old one from its first use.
    let pending: string | undefined;
    try {
      pending = this.credentials.pendingHashOf(username);
    } catch (error) {
      return unreadable(error);
    }
    if (pending && deviceSecretMatches(secret, pending)) {
      try {
        this.credentials.setSecretHash(username, pending, this.clock.now());
      } catch (error) {
        this.onStorageError(error as Error); // it is the right secret all the same; the swap happens at a later connect
      }
      return done(null, true);
    }
    if (!isLegacyHash(hash)) return refuse(`wrong secret for device "${username}"`);
    const legacy = hash;
    const check = this.legacyChecks.run(() => verifyPassword(secret, legacy));
    if (!check) return refuse('too many secret checks waiting: try again', 3);
    check.then(
      (valid) => {
        if (!valid) return refuse(`wrong secret for device "${username}"`);
        this.credentials.setSecretHash(username, hashDeviceSecret(secret), this.clock.now());
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
