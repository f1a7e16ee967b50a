// Device secrets: generated once, shown once, stored only as a scrypt hash.
import { createHash, randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const PARAMS = { N: 16384, r: 8, p: 1 } as const;
const KEY_BYTES = 32;

function derive(secret: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(secret, salt, KEY_BYTES, options, (error, key) => (error ? reject(error) : resolve(key))),
  );
}

/** A fresh secret: 144 random bits, URL-safe, short enough to type into a config if ever needed. */
export function generateSecret(): string {
  return randomBytes(18).toString('base64url');
}

/**
 * "scrypt$N$r$p$salt$hash", salt and hash in base64. The cost is stored with
 * the hash; a lower `cost` is for benchmarks provisioning hundreds of devices.
 */
export async function hashSecret(secret: string, cost: number = PARAMS.N): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(secret, salt, { ...PARAMS, N: cost });
  return ['scrypt', cost, PARAMS.r, PARAMS.p, salt.toString('base64'), key.toString('base64')].join('$');
}

export async function verifySecret(secret: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const key = await derive(secret, Buffer.from(salt, 'base64'), { N: Number(n), r: Number(r), p: Number(p) });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/**
 * Remembers secrets that verified, so a device reconnecting (or 500 of them
 * after a hub restart) costs a SHA-256 instead of a 16 MiB scrypt each. It
 * keeps digests, not secrets, and forgets a device whose hash changes.
 */
export class VerifiedSecretCache {
  private readonly digests = new Map<string, { hash: string; digest: Buffer }>();

  matches(deviceId: string, storedHash: string, secret: string): boolean {
    const entry = this.digests.get(deviceId);
    if (!entry || entry.hash !== storedHash) return false;
    return timingSafeEqual(entry.digest, digest(secret));
  }

  remember(deviceId: string, storedHash: string, secret: string): void {
    this.digests.set(deviceId, { hash: storedHash, digest: digest(secret) });
  }
}

function digest(secret: string): Buffer {
  return createHash('sha256').update(secret).digest();
}
