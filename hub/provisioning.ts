// Issuing and revoking device credentials. The plain secret leaves this
// module exactly once, to be shown to the technician or written into the
// device's own configuration; the hub keeps only its scrypt hash.
import { generateSecret, hashDeviceSecret } from './auth/secrets.js';
import type { DeviceStore } from './store/device-store.js';
import { withStorage } from './store/storage.js';

/** Stores the hash of `secret` as the device's credential, replacing any old one. */
export async function registerSecret(store: DeviceStore, deviceId: string, secret: string, now: number): Promise<void> {
  store.setSecretHash(deviceId, hashDeviceSecret(secret), now);
}

/** Registers the secret about to be flashed onto a device: the old one works until the device uses the new one. */
export function registerPendingSecret(store: DeviceStore, deviceId: string, secret: string, now: number): void {
  store.setPendingHash(deviceId, hashDeviceSecret(secret), now);
}

/** Gives each device a fresh registered secret; returns the plain secrets. */
export async function issueSecrets(store: DeviceStore, deviceIds: string[], now: number): Promise<Map<string, string>> {
  const secrets = new Map<string, string>();
  for (const id of deviceIds) {
    secrets.set(id, generateSecret());
    await registerSecret(store, id, secrets.get(id)!, now);
  }
  return secrets;
}

/** Gives a device a fresh secret (replacing any old one) and returns it. */
export async function issueSecret(dataDir: string, deviceId: string, now = Date.now()): Promise<string> {
  return (await withStorage(dataDir, (storage) => issueSecrets(storage.devices, [deviceId], now))).get(deviceId)!;
}

export function revokeSecret(dataDir: string, deviceId: string): void {
  withStorage(dataDir, (storage) => storage.devices.deleteCredentials(deviceId));
}
