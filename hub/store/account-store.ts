// Rows of dashboard accounts and their sessions. The policy (hashing,
// lock-out, token handling) is web/accounts.ts; this is only the SQL.
import type { Db } from './database.js';

/** Owner: everything. Manager: incidents, shifts, mutes, reports. Viewer: reads only (a wall display). */
export type Role = 'owner' | 'manager' | 'viewer';

export interface UserRow {
  username: string;
  role: Role;
  password_hash: string;
  failed_logins: number;
  locked_until: number | null;
}

export class AccountStore {
  private readonly statements;

  constructor(db: Db) {
    this.statements = {
      user: db.prepare('SELECT * FROM users WHERE username = ?'),
      insertUser: db.prepare('INSERT INTO users (username, role, password_hash, created_at) VALUES (?, ?, ?, ?)'),
      deleteUser: db.prepare('DELETE FROM users WHERE username = ?'),
      users: db.prepare('SELECT username, role, failed_logins, locked_until FROM users ORDER BY username'),
      countUsers: db.prepare('SELECT COUNT(*) FROM users').pluck(),
      setFailures: db.prepare('UPDATE users SET failed_logins = ?, locked_until = ? WHERE username = ?'),
      deleteExpiredSessions: db.prepare('DELETE FROM sessions WHERE expires_at <= ?'),
      insertSession: db.prepare('INSERT INTO sessions (token_hash, username, created_at, expires_at) VALUES (?, ?, ?, ?)'),
      session: db.prepare('SELECT users.username, users.role FROM sessions JOIN users USING (username) WHERE token_hash = ? AND expires_at > ?'),
      deleteSession: db.prepare('DELETE FROM sessions WHERE token_hash = ?'),
      deleteSessionsOf: db.prepare('DELETE FROM sessions WHERE username = ?'),
      setPasswordHash: db.prepare('UPDATE users SET password_hash = ?, failed_logins = 0, locked_until = NULL WHERE username = ?'),
      insertTrustedClient: db.prepare('INSERT INTO trusted_clients (token_hash, username, created_at) VALUES (?, ?, ?)'),
      trustedClient: db.prepare('SELECT username FROM trusted_clients WHERE token_hash = ?').pluck(),
    };
  }

  user(username: string): UserRow | undefined {
    return this.statements.user.get(username) as UserRow | undefined;
  }

  insertUser(username: string, role: Role, passwordHash: string, now: number): void {
    this.statements.insertUser.run(username, role, passwordHash, now);
  }

  /** Whether there was such a user. */
  deleteUser(username: string): boolean {
    return this.statements.deleteUser.run(username).changes > 0;
  }

  users(): Omit<UserRow, 'password_hash'>[] {
    return this.statements.users.all() as Omit<UserRow, 'password_hash'>[];
  }

  countUsers(): number {
    return this.statements.countUsers.get() as number;
  }

  setFailures(username: string, failedLogins: number, lockedUntil: number | null): void {
    this.statements.setFailures.run(failedLogins, lockedUntil, username);
  }

  startSession(tokenHash: string, username: string, now: number, expiresAt: number): void {
    this.statements.deleteExpiredSessions.run(now);
    this.statements.insertSession.run(tokenHash, username, now, expiresAt);
  }

  session(tokenHash: string, now: number): { username: string; role: Role } | undefined {
    return this.statements.session.get(tokenHash, now) as { username: string; role: Role } | undefined;
  }

  endSession(tokenHash: string): void {
    this.statements.deleteSession.run(tokenHash);
  }

  endSessionsOf(username: string): void {
    this.statements.deleteSessionsOf.run(username);
  }

  /** Whether there was such a user. Clears its failed logins. */
  setPasswordHash(username: string, passwordHash: string): boolean {
    return this.statements.setPasswordHash.run(passwordHash, username).changes > 0;
  }

  addTrustedClient(tokenHash: string, username: string, now: number): void {
    this.statements.insertTrustedClient.run(tokenHash, username, now);
  }

  trustedClient(tokenHash: string): string | undefined {
    return this.statements.trustedClient.get(tokenHash) as string | undefined;
  }
}
