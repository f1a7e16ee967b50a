// The button's flash outbox: every press is appended here BEFORE it is sent
// and leaves only when the hub has acknowledged it, so a press survives Wi-Fi
// outages, hub restarts and reboots.
//
// It lives in StorageFiles (Storage.open), appended in place: "P" lines for
// presses, "A" lines for acknowledged ones. A StorageFile is NOT a plain file:
// Storage.erase(name) and Storage.read(name) do not see it, only
// open(name, "r").erase() removes it (Espruino 2v29, src/jswrap_storage.c).
//
// Flash use is bounded: once everything is acknowledged and the file has
// grown past RESTART_BYTES it is erased; a file that grows past LIMIT_BYTES
// while presses are still pending is started afresh in the second file with
// just those presses, and only then the first is erased, so a power cut at
// any moment leaves every pending press in at least one of the two files.

import type { StorageApi, StorageFile } from '../hal/espruino-api.js';
import type { PressKind } from '../../shared/payloads.js';

export interface OutboxEntry {
  seq: number;
  kind: PressKind;
  /** Boot number and device-clock ms at the press (see press-clock.ts). */
  boot: number;
  at: number;
  /** The MQTT packet id while the press is with the client (memory only): how a dropped press is withdrawn. */
  packetId?: number;
}

export interface AddResult {
  accepted: boolean;
  /** A press given up to make room, or the new one when it could not be kept. */
  dropped: OutboxEntry | null;
}

/** Erased when empty past this size: most of one 4 KB StorageFile chunk, so an erase comes every ~100 presses. */
const RESTART_BYTES = 3500;
/** Started afresh with only the pending presses past this size. */
const LIMIT_BYTES = 8000;

function lineOf(entry: OutboxEntry): string {
  return 'P ' + entry.seq + ' ' + (entry.kind === 'green' ? 'g' : 'r') + ' ' + entry.boot + ' ' + entry.at + '\n';
}

export interface OutboxFiles {
  /** Presses not acknowledged, each once, by sequence. */
  pending: OutboxEntry[];
  /** Index of the last file that has lines, and its size in bytes. */
  active: number;
  activeBytes: number;
  filesFound: number;
  /** A line was torn (power cut mid-write) or is not a P/A line. */
  unreadable: boolean;
}

/** Reads the outbox files without changing them: the outbox at boot, and tests looking into a device's flash. */
export function readOutboxFiles(storage: StorageApi, fileNames: string[]): OutboxFiles {
  const byLine: OutboxEntry[] = [];
  const done: { [seq: string]: boolean } = {};
  const found: OutboxFiles = { pending: [], active: 0, activeBytes: 0, filesFound: 0, unreadable: false };
  for (let f = 0; f < fileNames.length; f++) {
    const file = storage.open(fileNames[f], 'r');
    let bytes = 0;
    let line = file.readLine();
    if (line !== undefined) {
      found.filesFound++;
      found.active = f;
    }
    while (line !== undefined) {
      bytes += line.length;
      // A line without its newline was cut by a power loss mid-write: its numbers may be cut too.
      const complete = line.charAt(line.length - 1) === '\n';
      const fields = complete ? line.trim().split(' ') : [];
      if (fields[0] === 'P' && fields.length === 5) {
        byLine.push({ seq: parseInt(fields[1], 10), kind: fields[2] === 'g' ? 'green' : 'red', boot: parseInt(fields[3], 10), at: parseFloat(fields[4]) });
      } else if (fields[0] === 'A' && fields.length === 2) {
        done[fields[1]] = true;
      } else {
        found.unreadable = true;
      }
      line = file.readLine();
    }
    if (bytes > 0) found.activeBytes = bytes;
  }
  const seen: { [seq: string]: boolean } = {};
  found.pending = byLine.filter(function (entry) {
    const key = String(entry.seq);
    if (done[key] || seen[key] || !isFinite(entry.seq) || !isFinite(entry.at)) return false;
    seen[key] = true;
    return true;
  });
  found.pending.sort(function (a, b) {
    return a.seq - b.seq;
  });
  return found;
}

export class Outbox {
  private pending: OutboxEntry[] = [];
  /** Index into fileNames of the file appended to. */
  private active = 0;
  /** Bytes in the active file. */
  private size = 0;
  private readonly fileNames: string[];

  constructor(
    private readonly storage: StorageApi,
    fileName: string,
    private readonly capacity: number,
  ) {
    this.fileNames = [fileName, fileName + '2'];
  }

  /** Reads what the last run left in both files (a power cut may have left both). */
  load(): void {
    const found = readOutboxFiles(this.storage, this.fileNames);
    this.pending = found.pending;
    this.active = found.active;
    this.size = found.activeBytes;
    // A torn line must not be continued by the next append; two files are the trace of an interrupted restart.
    if (found.unreadable || found.filesFound > 1 || this.size >= RESTART_BYTES) this.restart();
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
    this.append(lineOf(entry));
    this.pending.push(entry);
    return { accepted: true, dropped: dropped };
  }

  /** The hub has it (or it was given up): it leaves the outbox. */
  remove(seq: number): void {
    for (let i = 0; i < this.pending.length; i++) {
      if (this.pending[i].seq === seq) {
        this.pending.splice(i, 1);
        if (this.pending.length === 0 && this.size >= RESTART_BYTES) this.restart();
        else this.append('A ' + seq + '\n');
        return;
      }
    }
  }

  private oldestGreen(): OutboxEntry | null {
    for (let i = 0; i < this.pending.length; i++) if (this.pending[i].kind === 'green') return this.pending[i];
    return null;
  }

  private open(index: number, mode: 'r' | 'a'): StorageFile {
    return this.storage.open(this.fileNames[index], mode);
  }

  private append(line: string): void {
    if (this.size + line.length > LIMIT_BYTES) this.restart();
    this.open(this.active, 'a').write(line);
    this.size += line.length;
  }

  /** Writes the pending presses to the other file, then erases the old one (and any leftover). */
  private restart(): void {
    const next = this.pending.length > 0 ? 1 - this.active : this.active;
    this.open(next, 'r').erase();
    let text = '';
    for (let i = 0; i < this.pending.length; i++) text += lineOf(this.pending[i]);
    if (text.length > 0) this.open(next, 'a').write(text);
    this.open(1 - next, 'r').erase();
    this.active = next;
    this.size = text.length;
  }
}
