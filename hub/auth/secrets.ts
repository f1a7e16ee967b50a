// Device secrets and dashboard passwords: generated or chosen once, stored
// only as hashes.
//
// A device secret is 144 random bits: nobody can guess it, so a hash only
// has to be one-way, not slow. It is stored as a salted SHA-256, and
// checking one costs microseconds — a flood of wrong secrets costs the hub
// nothing (a slow hash made each one a 16 MiB scrypt, which an attacker
// could queue by the thousand). Hashes from before are scrypt; a device
// that proves its secret against one gets the fast hash instead.
//
// A password is chosen by a person and may be guessable: it is scrypt, and
// the dashboard limits who may try (web/login-guard.ts).
import { createHash, randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const SCRYPT = { N: 16384, r: 8, p: 1 } as const;
const KEY_BYTES = 32;

function derive(secret: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(secret, salt, KEY_BYTES, { ...options, maxmem: 64 * 1024 * 1024 }, (error, key) => (error ? reject(error) : resolve(key))),
  );
}

/** A fresh device secret: 144 random bits, URL-safe, short enough to type into a config if ever needed. */
export function generateSecret(): string {
  return randomBytes(18).toString('base64url');
}

/** "sha256$salt$digest" (base64): the stored form of a device secret. */
export function hashDeviceSecret(secret: string): string {
  const salt = randomBytes(16);
  return ['sha256', salt.toString('base64'), sha256(salt, secret).toString('base64')].join('$');
}

/** Whether `stored` is a device hash from before the fast one (scrypt). */
export function isLegacyHash(stored: string): boolean {
  return stored.startsWith('scrypt$');
}

/** Checks a device secret against a fast hash, in constant time; false for any other form. */
export function deviceSecretMatches(secret: string, stored: string): boolean {
  const [scheme, salt, digest] = stored.split('$');
  if (scheme !== 'sha256' || !salt || !digest) return false;
  const expected = Buffer.from(digest, 'base64');
  const actual = sha256(Buffer.from(salt, 'base64'), secret);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** "scrypt$N$r$p$salt$hash", salt and hash in base64: the stored form of a password. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, SCRYPT);
  return ['scrypt', SCRYPT.N, SCRYPT.r, SCRYPT.p, salt.toString('base64'), key.toString('base64')].join('$');
}

/** Checks a password (or a legacy device secret) against a scrypt hash. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const key = await derive(password, Buffer.from(salt, 'base64'), { N: Number(n), r: Number(r), p: Number(p) });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

function sha256(salt: Buffer, secret: string): Buffer {
  return createHash('sha256').update(salt).update(secret).digest();
}
