// Dashboard accounts (owners and managers) and their sessions. Passwords are
// scrypt-hashed; session tokens are random and stored only as SHA-256, so a
// copy of the database opens no session.
import { createHash, randomBytes } from 'node:crypto';
import { hashPassword, verifyPassword } from '../auth/secrets.js';
import type { AccountStore, Role } from '../store/account-store.js';

export type { Role };

export const MAX_FAILED_LOGINS = 5;
export const LOCKOUT_MS = 15 * 60 * 1000;
export const SESSION_MS = 12 * 3600 * 1000;
const USERNAME = /^[a-z0-9][a-z0-9._-]{1,31}$/;

export interface User {
  username: string;
  role: Role;
}

export type LoginResult = { ok: true; user: User; token: string } | { ok: false; reason: 'invalid' | 'locked'; retryAfterS?: number };

function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export class AccountError extends Error {
  override name = 'AccountError';
}

export class Accounts {
  constructor(private readonly store: AccountStore) {}

  async add(username: string, role: Role, password: string, now: number): Promise<void> {
    if (!USERNAME.test(username)) throw new AccountError(`user name "${username}" must be 2-32 characters: a-z, 0-9, ".", "_", "-"`);
    if (password.length < 10) throw new AccountError('the password must have at least 10 characters');
    if (this.store.user(username)) throw new AccountError(`user "${username}" exists already`);
    const hash = await hashPassword(password);
    this.store.insertUser(username, role, hash, now);
  }

  remove(username: string): void {
    if (!this.store.deleteUser(username)) throw new AccountError(`no user "${username}"`);
  }

  list(): (User & { lockedUntil: number | null })[] {
    return this.store.users().map((u) => ({
      username: u.username,
      role: u.role,
      lockedUntil: u.locked_until,
    }));
  }

  count(): number {
    return this.store.countUsers();
  }

  /** Checks the password; after MAX_FAILED_LOGINS failures in a row the account is locked for LOCKOUT_MS. */
  async login(username: string, password: string, now: number): Promise<LoginResult> {
    const row = this.store.user(username);
    if (!row) {
      // Same work and answer as a wrong password: no hint which user names exist.
      await verifyPassword(password, 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=');
      return { ok: false, reason: 'invalid' };
    }
    if (row.locked_until !== null && row.locked_until > now) return { ok: false, reason: 'locked', retryAfterS: Math.ceil((row.locked_until - now) / 1000) };
    if (!(await verifyPassword(password, row.password_hash))) {
      const failures = row.failed_logins + 1;
      const locked = failures >= MAX_FAILED_LOGINS;
      this.store.setFailures(username, locked ? 0 : failures, locked ? now + LOCKOUT_MS : null);
      return locked ? { ok: false, reason: 'locked', retryAfterS: LOCKOUT_MS / 1000 } : { ok: false, reason: 'invalid' };
    }
    this.store.setFailures(username, 0, null);
    // A new token at every login: a session id planted before login is worthless (no fixation).
    const token = randomBytes(32).toString('base64url');
    this.store.startSession(tokenHash(token), username, now, now + SESSION_MS);
    return { ok: true, user: { username: row.username, role: row.role }, token };
  }

  session(token: string | undefined, now: number): User | null {
    if (!token) return null;
    return this.store.session(tokenHash(token), now) ?? null;
  }

  logout(token: string | undefined): void {
    if (token) this.store.endSession(tokenHash(token));
  }
}
