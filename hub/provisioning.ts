// Issuing and revoking device credentials. The plain secret leaves this
// module exactly once, to be shown to the technician or written into the
// device's own configuration; the hub keeps only its scrypt hash.
import { generateSecret, hashSecret } from './auth/secrets.js';
import { openDatabase } from './store/database.js';
import { LogStore } from './store/log-store.js';

/** Gives a device a fresh secret (replacing any old one) and returns it. */
export async function issueSecret(dataDir: string, deviceId: string, now = Date.now()): Promise<string> {
  const secret = generateSecret();
  const hash = await hashSecret(secret);
  withStore(dataDir, (store) => store.setSecretHash(deviceId, hash, now));
  return secret;
}

export function revokeSecret(dataDir: string, deviceId: string): void {
  withStore(dataDir, (store) => store.deleteCredentials(deviceId));
}

function withStore<T>(dataDir: string, use: (store: LogStore) => T): T {
  const db = openDatabase(dataDir);
  try {
    return use(new LogStore(db));
  } finally {
    db.close();
  }
}
