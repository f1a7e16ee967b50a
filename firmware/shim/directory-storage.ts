// Espruino's Storage module on a directory: one file per Storage name, bytes
// as 8-bit strings like on the device. Writes go straight to disk, so a
// simulated power cut keeps exactly what the device had written.
import { appendFileSync, existsSync, readdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StorageApi, StorageFile } from '../hal/espruino-api.js';

const MAX_NAME = 28;

export class DirectoryStorage implements StorageApi {
  constructor(readonly dir: string) {}

  private path(name: string): string {
    if (name.length === 0 || name.length > MAX_NAME) throw new Error(`Storage name "${name}" must be 1-${MAX_NAME} characters`);
    return join(this.dir, encodeURIComponent(name));
  }

  read(name: string): string | undefined {
    const path = this.path(name);
    return existsSync(path) ? readFileSync(path).toString('latin1') : undefined;
  }

  write(name: string, data: string): boolean {
    writeFileSync(this.path(name), Buffer.from(String(data), 'latin1'));
    return true;
  }

  readJSON(name: string, noExceptions: boolean): unknown {
    const text = this.read(name);
    if (text === undefined) return undefined;
    try {
      return JSON.parse(text);
    } catch (error) {
      if (noExceptions) return undefined;
      throw error;
    }
  }

  writeJSON(name: string, data: unknown): boolean {
    return this.write(name, JSON.stringify(data));
  }

  erase(name: string): void {
    const path = this.path(name);
    if (existsSync(path)) unlinkSync(path);
  }

  list(): string[] {
    return readdirSync(this.dir).map(decodeURIComponent);
  }

  getFree(): number {
    return 1 << 20;
  }

  open(name: string, mode: 'r' | 'w' | 'a'): StorageFile {
    const path = this.path(name);
    if (mode === 'w') writeFileSync(path, '');
    let position = 0;
    return {
      write: (data: string) => appendFileSync(path, Buffer.from(String(data), 'latin1')),
      readLine: () => {
        const text = existsSync(path) ? readFileSync(path).toString('latin1') : '';
        if (position >= text.length) return undefined;
        const end = text.indexOf('\n', position);
        const line = end < 0 ? text.slice(position) : text.slice(position, end + 1);
        position += line.length;
        return line;
      },
      erase: () => {
        if (existsSync(path)) unlinkSync(path);
      },
    };
  }
}
