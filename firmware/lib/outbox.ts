// The button's flash outbox: every press is appended here BEFORE it is sent
// and leaves only when the hub has acknowledged it, so a press survives Wi-Fi
// outages, hub restarts and reboots. An append-only Storage file ("P" lines
// for presses, "A" lines for acknowledged ones) spares the flash the rewrites.

import type { StorageApi } from '../hal/espruino-api.js';

export interface OutboxEntry {
  seq: number;
  kind: 'red' | 'green';
  /** Boot number and device-clock ms at the press (see press-clock.ts). */
  boot: number;
  at: number;
}

export interface AddResult {
  accepted: boolean;
  /** A press given up to make room, or the new one when it could not be kept. */
  dropped: OutboxEntry | null;
}

export class Outbox {
  private pending: OutboxEntry[] = [];

  constructor(
    private readonly storage: StorageApi,
    private readonly fileName: string,
    private readonly capacity: number,
  ) {}

  /** Reads what the last run left; rewrites the file without the acknowledged presses. */
  load(): void {
    const file = this.storage.open(this.fileName, 'r');
    const byLine: OutboxEntry[] = [];
    const done: { [seq: string]: boolean } = {};
    let unreadable = false;
    let line = file.readLine();
    while (line !== undefined) {
      // A line without its newline was cut by a power loss mid-write: its numbers may be cut too.
      const complete = line.charAt(line.length - 1) === '\n';
      const f = complete ? line.trim().split(' ') : [];
      if (f[0] === 'P' && f.length === 5) {
        byLine.push({ seq: parseInt(f[1], 10), kind: f[2] === 'g' ? 'green' : 'red', boot: parseInt(f[3], 10), at: parseFloat(f[4]) });
      } else if (f[0] === 'A' && f.length === 2) {
        done[f[1]] = true;
      } else {
        unreadable = true;
      }
      line = file.readLine();
    }
    this.pending = byLine.filter(function (entry) {
      return !done[String(entry.seq)] && isFinite(entry.seq) && isFinite(entry.at);
    });
    // Rewritten without what is done or unreadable, so the next append starts on a clean line.
    if (unreadable || byLine.length !== this.pending.length || this.pending.length === 0) this.rewrite();
  }

  entries(): OutboxEntry[] {
    return this.pending.slice();
  }

  depth(): number {
    return this.pending.length;
  }

  highestSeq(): number {
    let highest = 0;
    for (let i = 0; i < this.pending.length; i++) if (this.pending[i].seq > highest) highest = this.pending[i].seq;
    return highest;
  }

  /** Keeps the press in flash. When full, a green press makes way before a red one. */
  add(entry: OutboxEntry): AddResult {
    let dropped: OutboxEntry | null = null;
    if (this.pending.length >= this.capacity) {
      if (entry.kind === 'green') return { accepted: false, dropped: entry };
      const green = this.oldestGreen();
      if (!green) return { accepted: false, dropped: entry };
      this.remove(green.seq);
      dropped = green;
    }
    this.append('P ' + entry.seq + ' ' + (entry.kind === 'green' ? 'g' : 'r') + ' ' + entry.boot + ' ' + entry.at + '\n');
    this.pending.push(entry);
    return { accepted: true, dropped: dropped };
  }

  /** The hub has it (or it was given up): it leaves the outbox. */
  remove(seq: number): void {
    for (let i = 0; i < this.pending.length; i++) {
      if (this.pending[i].seq === seq) {
        this.pending.splice(i, 1);
        if (this.pending.length === 0) this.storage.erase(this.fileName);
        else this.append('A ' + seq + '\n');
        return;
      }
    }
  }

  private oldestGreen(): OutboxEntry | null {
    for (let i = 0; i < this.pending.length; i++) if (this.pending[i].kind === 'green') return this.pending[i];
    return null;
  }

  private append(line: string): void {
    this.storage.open(this.fileName, 'a').write(line);
  }

  private rewrite(): void {
    this.storage.erase(this.fileName);
    for (let i = 0; i < this.pending.length; i++) {
      const e = this.pending[i];
      this.append('P ' + e.seq + ' ' + (e.kind === 'green' ? 'g' : 'r') + ' ' + e.boot + ' ' + e.at + '\n');
    }
  }
}
