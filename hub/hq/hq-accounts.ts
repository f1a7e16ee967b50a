// The head-office dashboard's accounts (#19), in its PostgreSQL (any number
// of `hq serve` processes share them): a chain owner sees every site, an area
// manager the sites of the account. Passwords are scrypt-hashed and checked
// a few at a time (the shop's BoundedWork); session tokens are random and kept
// only as SHA-256; a name with five wrong passwords in 15 minutes waits.
import { createHash, randomBytes } from 'node:crypto';
import type pg from 'pg';
import { BoundedWork } from '../auth/bounded-work.js';
import { hashPassword, verifyPassword } from '../auth/secrets.js';

export type HqRole = 'owner' | 'area';

export interface HqUser {
  username: string;
  role: HqRole;
  /** The sites an area manager sees; null: every site (a chain owner). */
  sites: string[] | null;
}

export type HqLogin = { ok: true; user: HqUser; token: string } | { ok: false; reason: 'invalid' | 'busy' | 'locked'; retryAfterS?: number };

export const HQ_SESSION_MS = 12 * 3600 * 1000;
const USERNAME = /^[a-z0-9][a-z0-9._-]{1,31}$/;
const SITE = /^[a-z0-9][a-z0-9-]{0,62}$/;
const FAILURES = { limit: 5, windowMs: 15 * 60_000 };
/** Checked against when the name is unknown: the same work and answer as a wrong password. */
const NOBODY = 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';

const sha256 = (token: string) => createHash('sha256').update(token).digest('hex');

export class HqAccountError extends Error {
  override name = 'HqAccountError';
}

export class HqAccounts {
  private readonly checks = new BoundedWork(2, 16);
  /** Wrong passwords per user name, their times (kept in memory: a restart forgives, as in the shop's guard). */
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly pool: pg.Pool,
    private readonly now: () => number = Date.now,
  ) {}

  async add(username: string, role: HqRole, sites: string[] | null, password: string): Promise<void> {
    if (!USERNAME.test(username)) throw new HqAccountError(`user name "${username}" must be 2-32 characters: a-z, 0-9, ".", "_", "-"`);
    if (password.length < 10) throw new HqAccountError('the password must have at least 10 characters');
    if (role === 'area' && (!sites || sites.length === 0)) throw new HqAccountError('an area manager needs --sites');
    if (role === 'owner' && sites) throw new HqAccountError('a chain owner sees every site: leave out --sites');
    const bad = (sites ?? []).find((site) => !SITE.test(site));
    if (bad !== undefined) throw new HqAccountError(`"${bad}" is no site id (lowercase letters, digits and "-")`);
    const added = await this.pool.query('INSERT INTO hq_accounts (username, role, sites, password_hash) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING', [username, role, sites, await hashPassword(password)]);
    if (added.rowCount === 0) throw new HqAccountError(`user "${username}" exists already`);
  }

  async login(username: string, password: string): Promise<HqLogin> {
    const recent = (this.failures.get(username) ?? []).filter((at) => this.now() - at < FAILURES.windowMs);
    if (recent.length >= FAILURES.limit) return { ok: false, reason: 'locked', retryAfterS: Math.ceil((recent[0] + FAILURES.windowMs - this.now()) / 1000) };
    const row = (await this.pool.query<{ username: string; role: HqRole; sites: string[] | null; password_hash: string }>('SELECT username, role, sites, password_hash FROM hq_accounts WHERE username = $1', [username])).rows[0];
    const check = this.checks.run(() => verifyPassword(password, row?.password_hash ?? NOBODY));
    if (!check) return { ok: false, reason: 'busy' };
    if (!(await check) || !row) {
      this.failures.set(username, [...recent, this.now()]);
      return { ok: false, reason: 'invalid' };
    }
    this.failures.delete(username);
    const token = randomBytes(32).toString('base64url');
    await this.pool.query('INSERT INTO hq_sessions (hash, username, expires_at) VALUES ($1, $2, $3)', [sha256(token), username, new Date(this.now() + HQ_SESSION_MS)]);
    return { ok: true, user: { username: row.username, role: row.role, sites: row.sites }, token };
  }

  async session(token: string | undefined): Promise<HqUser | null> {
    if (!token || token.length > 100) return null;
    const row = (
      await this.pool.query<{ username: string; role: HqRole; sites: string[] | null }>(
        'SELECT a.username, a.role, a.sites FROM hq_sessions s JOIN hq_accounts a USING (username) WHERE s.hash = $1 AND s.expires_at > $2',
        [sha256(token), new Date(this.now())],
      )
    ).rows[0];
    return row ? { username: row.username, role: row.role, sites: row.sites } : null;
  }

  async logout(token: string | undefined): Promise<void> {
    if (token) await this.pool.query('DELETE FROM hq_sessions WHERE hash = $1', [sha256(token)]);
  }
}
