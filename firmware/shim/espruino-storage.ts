// Espruino 2v29's Storage module on an ESP32, modelled from its sources
// (github.com/espruino/Espruino, tag RELEASE_2V29) closely enough that
// firmware which misuses it loses data here as it would on the device:
//
// - src/jsflash.c: a log-structured flash area. Every file is a 32-byte header
//   (4-byte size+flags, 28-byte 0-padded name: src/jsflash.h JsfFileHeader) and
//   its data, 4-byte aligned (src/jsutils.h JSF_ALIGNMENT), appended after the
//   last file. Writing a file writes a NEW copy and marks the old one as trash
//   (jsfWriteFile -> jsfEraseFileInternal zeroes the name's first word); an
//   identical rewrite writes nothing ("files Equal"). Space is reclaimed only
//   by compaction: explicit (Storage.compact) or when a new file does not fit
//   and free + trash would hold it (_jsfCreateFile). Compaction rewrites every
//   file from the first page holding trash onwards (jsfGetStorageStats'
//   firstPageWithErasedFiles, jsfCompactInternal).
// - src/jswrap_storage.c: StorageFiles (Storage.open) are separate files named
//   name + chunk byte "\1", "\2", … (flag JSFF_STORAGEFILE = 64), each chunk
//   allocated whole (STORAGEFILE_CHUNKSIZE = 4096 - 32 on ESP32) and appended
//   in place; the end of data is the first 0xFF byte. Storage.erase(name) and
//   Storage.read(name) look for a plain file of exactly that name, so they
//   neither erase nor read a StorageFile; StorageFile.erase() removes every
//   chunk. list() shows a StorageFile as its first chunk's name ("name\1").
// - boards/ESP32.py: 224 pages of 4096 bytes for Storage.
//
// Flash is NOR: programming can only clear bits (old & new), which is why a
// write over data already there garbles it instead of replacing it.
//
// The flash survives power cuts: every change is appended to a journal file in
// the device's folder before the call returns, and replayed when the folder is
// opened again.
import { appendFileSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import vm from 'node:vm';
import type { StorageApi, StorageFile } from '../hal/espruino-api.js';

export const FLASH_PAGE_BYTES = 4096; // targets/esp32/jshardware.c FLASH_PAGE
export const ESP32_STORAGE_BYTES = 224 * FLASH_PAGE_BYTES; // boards/ESP32.py saved_code pages
export const HEADER_BYTES = 32; // src/jsflash.h: uint32 size + 28-byte name union
const ALIGNMENT = 4; // src/jsutils.h JSF_ALIGNMENT without FLASH_64BITS_ALIGNMENT
const MAX_NAME = 28; // sizeof(JsfFileName)
const MAX_STORAGEFILE_NAME = 27; // one byte is the chunk number
export const STORAGEFILE_CHUNK_BYTES = FLASH_PAGE_BYTES - HEADER_BYTES; // src/jswrap_storage.c STORAGEFILE_CHUNKSIZE
const FLAG_NONE = 0;
const FLAG_STORAGEFILE = 64; // src/jsflash.h JSFF_STORAGEFILE
const ERASED = 0xff;

interface FlashFile {
  name: string;
  flags: number;
  /** Address of the header, from the start of the Storage area. */
  address: number;
  data: Buffer;
  trash: boolean;
}

type JournalEntry =
  | { op: 'create'; name: string; flags: number; size: number }
  | { op: 'program'; address: number; offset: number; data: string }
  | { op: 'trash'; address: number }
  | { op: 'compact' }
  | { op: 'eraseAll' };

export interface FlashStats {
  total: number;
  free: number;
  fileBytes: number;
  trashBytes: number;
  fileCount: number;
  trashCount: number;
}

export interface FlashWear {
  /** Bytes programmed (headers and data) since this model was created. */
  bytesProgrammed: number;
  compactions: number;
  pagesErased: number;
}

export interface EspruinoStorageOptions {
  /** Size of the Storage area (default: the ESP32's 224 pages). */
  totalBytes?: number;
  /** Called when a compaction rewrites flash that running code is mapped from. */
  onHazard?: (message: string) => void;
}

function pageStart(address: number): number {
  return Math.floor(address / FLASH_PAGE_BYTES) * FLASH_PAGE_BYTES;
}

function alignUp(n: number): number {
  return Math.ceil(n / ALIGNMENT) * ALIGNMENT;
}

function footprint(file: { data: Buffer }): number {
  return HEADER_BYTES + alignUp(file.data.length);
}

function bytesOf(data: unknown): Buffer {
  if (Array.isArray(data)) return Buffer.from(data as number[]);
  return Buffer.from(String(data), 'latin1');
}

/** Espruino's writeJSON (2v20+): identifiers unquoted (jswrap_storage_writeJSON, JSON_DROP_QUOTES). */
function espruinoJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return value === undefined ? 'undefined' : JSON.stringify(value);
  if (Array.isArray(value)) return '[' + value.map(espruinoJson).join(',') + ']';
  const parts: string[] = [];
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    if (item === undefined || typeof item === 'function') continue;
    parts.push((/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? key : JSON.stringify(key)) + ':' + espruinoJson(item));
  }
  return '{' + parts.join(',') + '}';
}

export class EspruinoStorage implements StorageApi {
  readonly total: number;
  readonly wear: FlashWear = { bytesProgrammed: 0, compactions: 0, pagesErased: 0 };
  /** Addresses of the files running code is mapped from (the boot files and .bootcde once booted). */
  runningCodeAddresses: number[] = [];
  private files: FlashFile[] = [];
  private readonly journalPath: string | null;
  private replaying = false;

  /** `dir` keeps the flash across power cuts and processes; null keeps it in memory only. */
  constructor(
    readonly dir: string | null,
    private readonly options: EspruinoStorageOptions = {},
  ) {
    this.total = options.totalBytes ?? ESP32_STORAGE_BYTES;
    this.journalPath = dir ? join(dir, 'flash.journal') : null;
    if (this.journalPath && existsSync(this.journalPath)) this.replay(this.journalPath);
  }

  // ---- require("Storage") ----------------------------------------------------

  read(name: string, offset = 0, length = 0): string | undefined {
    const file = this.find(this.checkName(name, MAX_NAME));
    if (!file) return undefined;
    const start = Math.min(Math.max(0, offset), file.data.length);
    const end = length > 0 ? Math.min(file.data.length, start + length) : file.data.length;
    return file.data.subarray(start, end).toString('latin1');
  }

  readJSON(name: string, noExceptions: boolean): unknown {
    const text = this.read(name);
    if (text === undefined) return undefined;
    try {
      // Espruino parses liberally (unquoted keys: what its own writeJSON writes).
      return vm.runInNewContext('(' + text + ')', {}, { timeout: 100 });
    } catch (error) {
      if (noExceptions) return undefined;
      throw error;
    }
  }

  write(name: string, data: unknown, offset = 0, size = 0): boolean {
    // An object is written as JSON, as a whole file (jswrap_storage_write).
    if (data !== null && typeof data === 'object' && !Array.isArray(data)) return this.writeFile(this.checkName(name, MAX_NAME), bytesOf(JSON.stringify(data)), FLAG_NONE, 0, 0);
    return this.writeFile(this.checkName(name, MAX_NAME), bytesOf(data), FLAG_NONE, offset, size);
  }

  writeJSON(name: string, data: unknown): boolean {
    return this.writeFile(this.checkName(name, MAX_NAME), bytesOf(espruinoJson(data)), FLAG_NONE, 0, 0);
  }

  /** Erases a plain file only: a StorageFile's chunks have other names (jswrap_storage_erase). */
  erase(name: string): void {
    this.eraseFile(this.checkName(name, MAX_NAME));
  }

  eraseAll(): void {
    this.record({ op: 'eraseAll' });
    this.wear.pagesErased += Math.ceil(this.total / FLASH_PAGE_BYTES);
    this.files = [];
  }

  list(): string[] {
    const names: string[] = [];
    for (const file of this.live()) {
      // Only a StorageFile's first chunk is listed, with its "\1" (jsfBankListFilesHandleFile).
      if (file.flags & FLAG_STORAGEFILE && file.name.charCodeAt(file.name.length - 1) !== 1) continue;
      names.push(file.name);
    }
    return names;
  }

  getFree(): number {
    return this.total - this.end();
  }

  compact(): void {
    this.record({ op: 'compact' });
    this.compactNow();
  }

  open(name: string, mode: 'r' | 'w' | 'a'): StorageFile {
    return new EspruinoStorageFile(this, this.checkName(name, MAX_STORAGEFILE_NAME), mode);
  }

  // ---- for tests and the shim: what the flash holds ----------------------------

  getStats(): FlashStats {
    let fileBytes = 0;
    let trashBytes = 0;
    let fileCount = 0;
    let trashCount = 0;
    for (const file of this.files) {
      if (file.trash) {
        trashBytes += footprint(file);
        trashCount++;
      } else {
        fileBytes += footprint(file);
        fileCount++;
      }
    }
    return { total: this.total, free: this.getFree(), fileBytes, trashBytes, fileCount, trashCount };
  }

  /** Flash bytes taken by the live plain file or StorageFile of this name (headers included). */
  footprintOf(name: string): number {
    let bytes = 0;
    for (const file of this.live()) if (file.name === name || this.isChunkOf(file, name)) bytes += footprint(file);
    return bytes;
  }

  /** A StorageFile's text, read as StorageFile.readLine would (up to the first 0xFF of each chunk). */
  storageFileText(name: string): string | undefined {
    const file = this.open(name, 'r');
    let text: string | undefined;
    for (let part = file.read(256); part !== undefined; part = file.read(256)) text = (text ?? '') + part;
    return text;
  }

  /** Header address of a live plain file (where code is mapped from), or null. */
  addressOf(name: string): number | null {
    return this.find(name)?.address ?? null;
  }

  // ---- jsflash.c ------------------------------------------------------------------

  /** jsfFindFile: the live file of exactly this name. */
  find(name: string): FlashFile | undefined {
    for (const file of this.files) if (!file.trash && file.name === name) return file;
    return undefined;
  }

  /** jsfWriteFile, with its checks and exceptions. */
  writeFile(name: string, data: Buffer, flags: number, offset: number, size: number): boolean {
    if (offset < 0 || size < 0) return false;
    if (size === 0) size = data.length;
    if (size === 0) throw new Error("Can't create zero length file");
    let file = this.find(name);
    if (offset === 0 && (!file || file.flags !== flags || file.data.length !== size || !isErased(file.data, 0, size))) {
      if (file && file.flags === flags && file.data.length === size && data.length === size && file.data.equals(data)) return true;
      if (file) this.trash(file);
      file = this.create(name, size, flags);
    }
    if (!file) throw new Error('Unable to find or create file');
    if (offset + data.length > file.data.length) throw new Error('Too much data for file size');
    if (!isErased(file.data, offset, data.length)) throw new Error('File already written with different data');
    this.program(file, offset, data);
    return true;
  }

  /** jsfEraseFile: marks the live file of this name as trash. */
  eraseFile(name: string): boolean {
    const file = this.find(name);
    if (!file) return false;
    this.trash(file);
    return true;
  }

  /** Programs bytes into a file's data area: NOR flash only clears bits. */
  program(file: FlashFile, offset: number, data: Buffer): void {
    this.record({ op: 'program', address: file.address, offset, data: data.toString('latin1') });
    for (let i = 0; i < data.length && offset + i < file.data.length; i++) file.data[offset + i] &= data[i];
    this.wear.bytesProgrammed += data.length;
  }

  private live(): FlashFile[] {
    return this.files.filter((f) => !f.trash);
  }

  private isChunkOf(file: FlashFile, name: string): boolean {
    return (file.flags & FLAG_STORAGEFILE) !== 0 && file.name.length === name.length + 1 && file.name.startsWith(name);
  }

  private checkName(name: string, max: number): string {
    const text = String(name);
    if (text.length === 0 || text.length > max) throw new Error(`Storage name "${text}" must be 1-${max} characters`);
    return text;
  }

  private end(): number {
    const last = this.files[this.files.length - 1];
    return last ? last.address + footprint(last) : 0;
  }

  private trash(file: FlashFile): void {
    this.record({ op: 'trash', address: file.address });
    file.trash = true;
    this.wear.bytesProgrammed += 4;
  }

  /** _jsfCreateFile: appends after the last file; compacts once if trash would make room, else fails. */
  private create(name: string, size: number, flags: number): FlashFile | undefined {
    const required = HEADER_BYTES + alignUp(size);
    if (this.total - this.end() < required) {
      const stats = this.getStats();
      if (required >= stats.free + stats.trashBytes) return undefined;
      this.compactNow();
      if (this.total - this.end() < required) return undefined;
    }
    this.record({ op: 'create', name, flags, size });
    const file: FlashFile = { name, flags, address: this.end(), data: Buffer.alloc(size, ERASED), trash: false };
    this.files.push(file);
    this.wear.bytesProgrammed += HEADER_BYTES;
    return file;
  }

  /** jsfBankCompact: rewrites every file from the first page with trash, leaving the trash out. */
  private compactNow(): void {
    const firstTrash = this.files.find((f) => f.trash);
    if (!firstTrash) return;
    // Compaction starts at the last page that begins with a header, not in the middle of a file (lastUnbrokenPageStart).
    let start = pageStart(firstTrash.address);
    for (;;) {
      const straddling = this.files.find((f) => f.address < start && f.address + footprint(f) > start);
      if (!straddling) break;
      start = pageStart(straddling.address);
    }
    const endBefore = this.end();
    const moved = this.runningCodeAddresses.find((a) => a >= start);
    if (moved !== undefined && !this.replaying) {
      this.options.onHazard?.(`Storage compaction rewrote flash at 0x${start.toString(16)} while code mapped from 0x${moved.toString(16)} was running`);
    }
    const kept = this.files.filter((f) => f.address < start);
    let address = start;
    for (const file of this.files) {
      if (file.address < start || file.trash) continue;
      this.runningCodeAddresses = this.runningCodeAddresses.map((a) => (a === file.address ? address : a));
      file.address = address;
      address += footprint(file);
      kept.push(file);
    }
    this.files = kept;
    this.wear.compactions++;
    this.wear.pagesErased += Math.ceil((endBefore - start) / FLASH_PAGE_BYTES);
  }

  // ---- persistence -------------------------------------------------------------------

  private record(entry: JournalEntry): void {
    if (!this.journalPath || this.replaying) return;
    // A device's flash holds its secret and the Wi-Fi password: for this user only.
    appendFileSync(this.journalPath, JSON.stringify(entry) + '\n', { mode: 0o600 });
  }

  private replay(path: string): void {
    this.replaying = true;
    try {
      for (const line of readFileSync(path, 'utf8').split('\n')) {
        if (!line) continue;
        const entry = JSON.parse(line) as JournalEntry;
        if (entry.op === 'create') this.create(entry.name, entry.size, entry.flags);
        else if (entry.op === 'program') this.program(this.at(entry.address), entry.offset, Buffer.from(entry.data, 'latin1'));
        else if (entry.op === 'trash') this.trash(this.at(entry.address));
        else if (entry.op === 'compact') this.compactNow();
        else this.files = [];
      }
    } finally {
      this.replaying = false;
    }
    // Start the journal afresh from what the flash holds, so it does not grow without end.
    const snapshot: string[] = [];
    for (const file of this.files) {
      snapshot.push(JSON.stringify({ op: 'create', name: file.name, flags: file.flags, size: file.data.length }));
      snapshot.push(JSON.stringify({ op: 'program', address: file.address, offset: 0, data: file.data.toString('latin1') }));
      if (file.trash) snapshot.push(JSON.stringify({ op: 'trash', address: file.address }));
    }
    writeFileSync(path + '.new', snapshot.join('\n') + (snapshot.length ? '\n' : ''), { mode: 0o600 });
    renameSync(path + '.new', path);
    this.wear.bytesProgrammed = 0;
  }

  private at(address: number): FlashFile {
    const file = this.files.find((f) => f.address === address);
    if (!file) throw new Error(`flash journal: no file at ${address}`);
    return file;
  }
}

function isErased(data: Buffer, offset: number, length: number): boolean {
  for (let i = offset; i < offset + length && i < data.length; i++) if (data[i] !== ERASED) return false;
  return true;
}

/** jswrap_storage_open and the StorageFile methods of src/jswrap_storage.c. */
class EspruinoStorageFile implements StorageFile {
  private chunk = 1;
  private offset = 0;
  private mode: 'r' | 'w' | 'a' | 0;

  constructor(
    private readonly flash: EspruinoStorage,
    private readonly name: string,
    mode: 'r' | 'w' | 'a',
  ) {
    if (mode !== 'r' && mode !== 'w' && mode !== 'a') throw new Error(`Invalid mode "${String(mode)}"`);
    this.mode = mode;
    if (mode === 'w' && this.flash.find(this.chunkName(1))) {
      this.erase();
      this.mode = 'w';
    }
    if (mode === 'a') {
      // The last chunk whose last byte is still erased, and the first 0xFF in it.
      let file = this.flash.find(this.chunkName(this.chunk));
      while (file && file.data[file.data.length - 1] !== ERASED && this.chunk < 255) {
        this.chunk++;
        file = this.flash.find(this.chunkName(this.chunk));
      }
      if (file) {
        const end = file.data.indexOf(ERASED);
        this.offset = end < 0 ? file.data.length : end;
      }
    }
  }

  read(length: number): string | undefined {
    return this.readInternal(Math.max(0, length), false);
  }

  readLine(): string | undefined {
    return this.readInternal(0, true);
  }

  getLength(): number {
    let length = 0;
    for (let chunk = 1; chunk <= 255; chunk++) {
      const file = this.flash.find(this.chunkName(chunk));
      if (!file) break;
      const end = file.data.indexOf(ERASED);
      length += end < 0 ? file.data.length : end;
      if (end >= 0) break;
    }
    return length;
  }

  write(data: string): void {
    if (this.mode !== 'w' && this.mode !== 'a') throw new Error("Can't write in this mode");
    const bytes = bytesOf(data);
    if (bytes.length === 0) return;
    const file = this.flash.find(this.chunkName(this.chunk));
    if (!file) {
      try {
        this.flash.writeFile(this.chunkName(this.chunk), bytes, FLAG_STORAGEFILE, 0, STORAGEFILE_CHUNK_BYTES);
      } catch (error) {
        this.mode = 0; // no more writing (jswrap_storagefile_write)
        throw error;
      }
      this.offset = bytes.length;
      return;
    }
    const remaining = file.data.length - this.offset;
    if (bytes.length < remaining) {
      this.flash.program(file, this.offset, bytes);
      this.offset += bytes.length;
      return;
    }
    this.flash.program(file, this.offset, bytes.subarray(0, remaining));
    this.offset += remaining;
    if (this.chunk === 255) throw new Error('File too big!');
    this.chunk++;
    try {
      this.flash.writeFile(this.chunkName(this.chunk), bytes.subarray(remaining), FLAG_STORAGEFILE, 0, STORAGEFILE_CHUNK_BYTES);
    } catch (error) {
      this.mode = 0;
      throw error;
    }
    this.offset = bytes.length - remaining;
  }

  /** Erases every chunk; the handle can no longer be written (jswrap_storagefile_erase). */
  erase(): void {
    for (let chunk = 1; chunk <= 255 && this.flash.eraseFile(this.chunkName(chunk)); chunk++);
    this.chunk = 1;
    this.offset = 0;
    this.mode = 0;
  }

  private chunkName(chunk: number): string {
    return this.name + String.fromCharCode(chunk);
  }

  /** jswrap_storagefile_read_internal: reads across chunks, stops at 0xFF, and for a line at "\n". */
  private readInternal(length: number, line: boolean): string | undefined {
    if (this.mode !== 'r') throw new Error("Can't read in this mode");
    let file = this.flash.find(this.chunkName(this.chunk));
    if (!file) return undefined;
    let result: string | undefined;
    let wanted = line ? Infinity : length;
    while (wanted > 0) {
      if (file.data.length - this.offset <= 0) {
        this.offset = 0;
        if (this.chunk === 255) return result;
        this.chunk++;
        file = this.flash.find(this.chunkName(this.chunk));
        if (!file) return result;
      }
      const byte = file.data[this.offset];
      if (byte === ERASED) break;
      result = (result ?? '') + String.fromCharCode(byte);
      this.offset++;
      wanted--;
      if (line && byte === 0x0a) break;
    }
    return result;
  }
}
