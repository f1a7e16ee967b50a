// Everything that leaves the shop for an owner who is not there: the daily
// e-mail digest and Web Push. Both optional, both best-effort: the hub keeps
// paging and logging without internet, and says on the dashboard what waits.
import type { Effect } from '../domain/incident-desk.js';
import type { EmailDigest } from './email-digest.js';
import type { PushNews } from './push-news.js';
import type { Phrase } from '../i18n/translate-options.js';

export class OwnerNews {
  constructor(
    readonly digest: EmailDigest,
    readonly push: PushNews,
  ) {}

  /** Sees every batch of the desk's effects (the EffectRunner's observer). */
  observe(effects: readonly Effect[]): void {
    this.push.observe(effects);
  }

  /** Sends what is due: today's digest, notifications waiting to be tried again. */
  tick(now: number): void {
    void this.digest.tick(now);
    this.push.tick(now);
  }

  /** What the dashboard shows while something could not be sent. */
  messages(): Phrase[] {
    return [...this.digest.messages(), ...this.push.messages()];
  }
}
