// Who may try a password, and how often. Counted before the password is
// checked (a guess in flight counts), so parallel guesses cannot slip past.
//
// - An account takes GUESSES wrong passwords per WINDOW from browsers it
//   does not know; then they wait (the count lives in the database, so
//   `loyalty-hub user unlock` clears it from outside the running hub).
// - A source address takes SOURCE_FAILURES failures per WINDOW, whatever
//   the account: a stranger is throttled by where they are.
// - A browser that logged in to the account before (a trusted-client
//   cookie) has a budget of its own and is not held back by either: a
//   stranger's guessing cannot lock the owner out of their own phone.
// An unknown user name is counted like an account, in memory, so a 429
// does not tell which names exist.
import type { Clock } from '../domain/clock.js';
import type { AccountStore } from '../store/account-store.js';

export const GUESSES = 5;
const SOURCE_FAILURES = 10;
const WINDOW_MS = 15 * 60 * 1000;
/** Unknown names and sources remembered at most (the oldest is forgotten first). */
const REMEMBERED = 10_000;

export type Admission = { ok: true; done(success: boolean): void } | { ok: false; retryAfterS: number };

/** Failure times within the window, per key, bounded in keys. */
class FailureLog {
  private readonly byKey = new Map<string, number[]>();

  count(key: string, now: number): number {
    const times = (this.byKey.get(key) ?? []).filter((t) => t > now - WINDOW_MS);
    if (times.length === 0) this.byKey.delete(key);
    else this.byKey.set(key, times);
    return times.length;
  }

  /** Seconds until the oldest failure leaves the window. */
  retryAfterS(key: string, now: number): number {
    const oldest = this.byKey.get(key)?.[0] ?? now;
    return Math.max(1, Math.ceil((oldest + WINDOW_MS - now) / 1000));
  }

  add(key: string, now: number): void {
    const times = this.byKey.get(key) ?? [];
    times.push(now);
    this.byKey.delete(key);
    this.byKey.set(key, times);
    if (this.byKey.size > REMEMBERED) this.byKey.delete(this.byKey.keys().next().value as string);
  }

  clear(key: string): void {
    this.byKey.delete(key);
  }
}

export class LoginGuard {
  private readonly inFlight = new Map<string, number>();
  private readonly sources = new FailureLog();
  private readonly trustedClients = new FailureLog();
  private readonly unknownNames = new FailureLog();

  constructor(
    private readonly store: AccountStore,
    private readonly clock: Clock,
  ) {}

  /**
   * May this attempt check a password? `trustedClient`: the hash of a
   * trusted-client cookie issued to this user name, or null.
   */
  admit(username: string, source: string, trustedClient: string | null): Admission {
    const retryAfterS = this.waitFor(username, source, trustedClient);
    if (retryAfterS !== null) return { ok: false, retryAfterS };
    const now = this.clock.now();
    if (trustedClient !== null) {
      const key = `client:${trustedClient}`;
      return this.start(key, (success) => (success ? this.trustedClients.clear(key) : this.trustedClients.add(key, now)));
    }
    return this.start(`account:${username}`, (success) => {
      if (success) {
        // A disk that refuses the write (full) must not refuse the login: the count clears at the next one.
        try {
          this.store.setFailures(username, 0, null);
        } catch {
          // nothing to undo
        }
        return;
      }
      this.sources.add(source, now);
      const fresh = this.store.user(username);
      if (!fresh) return this.unknownNames.add(username, now);
      // Read again at the end: another attempt may have counted meanwhile.
      const counted = this.accountFailures(fresh.failed_logins, fresh.locked_until, now) + 1;
      this.store.setFailures(username, counted, counted >= GUESSES ? now + WINDOW_MS : (fresh.locked_until ?? now + WINDOW_MS));
    });
  }

  /**
   * Seconds an attempt must wait, or null when it may go ahead. Attempts in
   * flight count (`inFlight`), except when asking whether a guess just refused
   * used up the allowance.
   */
  waitFor(username: string, source: string, trustedClient: string | null, inFlight = true): number | null {
    const pending = (key: string) => (inFlight ? this.pending(key) : 0);
    const now = this.clock.now();
    if (trustedClient !== null) {
      const key = `client:${trustedClient}`;
      return this.trustedClients.count(key, now) + pending(key) >= GUESSES ? this.trustedClients.retryAfterS(key, now) : null;
    }
    if (this.sources.count(source, now) >= SOURCE_FAILURES) return this.sources.retryAfterS(source, now);
    const user = this.store.user(username);
    const failures = user ? this.accountFailures(user.failed_logins, user.locked_until, now) : this.unknownNames.count(username, now);
    if (failures + pending(`account:${username}`) < GUESSES) return null;
    const lockedUntil = user?.locked_until ?? null;
    if (lockedUntil !== null && lockedUntil > now) return Math.ceil((lockedUntil - now) / 1000);
    return user ? WINDOW_MS / 1000 : this.unknownNames.retryAfterS(username, now);
  }

  /** Failures that still count: none once the window (locked_until) has passed. */
  private accountFailures(failed: number, lockedUntil: number | null, now: number): number {
    return lockedUntil !== null && lockedUntil <= now ? 0 : failed;
  }

  private pending(key: string): number {
    return this.inFlight.get(key) ?? 0;
  }

  private start(key: string, finish: (success: boolean) => void): Admission {
    this.inFlight.set(key, this.pending(key) + 1);
    let finished = false;
    return {
      ok: true,
      done: (success) => {
        if (finished) return;
        finished = true;
        const left = this.pending(key) - 1;
        if (left > 0) this.inFlight.set(key, left);
        else this.inFlight.delete(key);
        finish(success);
      },
    };
  }
}
