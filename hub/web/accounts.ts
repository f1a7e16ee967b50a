// Dashboard accounts (owners and managers) and their sessions. Passwords are
// scrypt-hashed; session tokens are random and stored only as SHA-256, so a
// copy of the database opens no session.
import { createHash, randomBytes } from 'node:crypto';
import { BoundedWork } from '../auth/bounded-work.js';
import { hashPassword, verifyPassword } from '../auth/secrets.js';
import { GUESSES } from './login-guard.js';
import type { AccountStore, Role } from '../store/account-store.js';

export type { Role };

export const SESSION_MS = 12 * 3600 * 1000;
/** Password checks (scrypt, 16 MiB each) at once, and waiting; beyond, a login is told to come back. */
const PASSWORD_CHECKS = { concurrency: 2, queue: 16 };
const USERNAME = /^[a-z0-9][a-z0-9._-]{1,31}$/;

export interface User {
  username: string;
  role: Role;
}

export type LoginResult = { ok: true; user: User; token: string } | { ok: false; reason: 'invalid' | 'busy' };

function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** The disk refused a write (full, read-only, failing): the caller carries on without it. */
function isStorageError(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && /^SQLITE_(FULL|IOERR|READONLY|CANTOPEN|BUSY)/.test(code);
}

export class AccountError extends Error {
  override name = 'AccountError';
}

export class Accounts {
  private readonly checks = new BoundedWork(PASSWORD_CHECKS.concurrency, PASSWORD_CHECKS.queue);
  /**
   * Sessions opened while the disk refused writes (it is full): kept in
   * memory, so the owner can still log in and see the storage alarm. They
   * end with the hub or at their expiry, like the others.
   */
  private readonly sessionsInMemory = new Map<string, { user: User; expiresAt: number }>();

  constructor(readonly store: AccountStore) {}

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

  /** Each account, and until when browsers it does not know must wait (after too many wrong passwords). */
  list(): (User & { lockedUntil: number | null })[] {
    return this.store.users().map((u) => ({ username: u.username, role: u.role, lockedUntil: u.failed_logins >= GUESSES ? u.locked_until : null }));
  }

  /** Clears the account's failed logins: anyone may try again at once. */
  unlock(username: string): void {
    const user = this.store.user(username);
    if (!user) throw new AccountError(`no user "${username}"`);
    this.store.setFailures(username, 0, null);
  }

  /** A new password; the account's sessions end and its failed logins are cleared. */
  async setPassword(username: string, password: string): Promise<void> {
    if (password.length < 10) throw new AccountError('the password must have at least 10 characters');
    if (!this.store.user(username)) throw new AccountError(`no user "${username}"`);
    this.store.setPasswordHash(username, await hashPassword(password));
    this.store.endSessionsOf(username);
  }

  /** The user a trusted-client cookie was issued to, if it is one. */
  trustedClientOf(token: string | undefined): string | undefined {
    return token ? this.store.trustedClient(tokenHash(token)) : undefined;
  }

  /** A new trusted-client cookie value for `username` (only its hash is kept), or null when the disk refuses it. */
  trustClient(username: string, now: number): string | null {
    const token = randomBytes(32).toString('base64url');
    try {
      this.store.addTrustedClient(tokenHash(token), username, now);
    } catch (error) {
      if (!isStorageError(error)) throw error;
      return null;
    }
    return token;
  }

  count(): number {
    return this.store.countUsers();
  }

  /** Checks the password (the login guard decides beforehand whether it may be tried) and opens a session. */
  async login(username: string, password: string, now: number): Promise<LoginResult> {
    const row = this.store.user(username);
    // An unknown user costs the same work and gets the same answer as a wrong password: no hint which names exist.
    const hash = row?.password_hash ?? 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';
    const check = this.checks.run(() => verifyPassword(password, hash));
    if (!check) return { ok: false, reason: 'busy' };
    if (!(await check) || !row) return { ok: false, reason: 'invalid' };
    // A new token at every login: a session id planted before login is worthless (no fixation).
    const token = randomBytes(32).toString('base64url');
    const user = { username: row.username, role: row.role };
    try {
      this.store.startSession(tokenHash(token), username, now, now + SESSION_MS);
    } catch (error) {
      if (!isStorageError(error)) throw error;
      this.sessionsInMemory.set(tokenHash(token), { user, expiresAt: now + SESSION_MS });
    }
    return { ok: true, user, token };
  }

  session(token: string | undefined, now: number): User | null {
    if (!token) return null;
    const inMemory = this.sessionsInMemory.get(tokenHash(token));
    if (inMemory) return inMemory.expiresAt > now ? inMemory.user : null;
    return this.store.session(tokenHash(token), now) ?? null;
  }

  logout(token: string | undefined): void {
    if (!token) return;
    this.sessionsInMemory.delete(tokenHash(token));
    try {
      this.store.endSession(tokenHash(token));
    } catch (error) {
      if (!isStorageError(error)) throw error;
    }
  }
}
