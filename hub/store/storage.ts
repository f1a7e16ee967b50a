// The one owner of a database connection's reads and writes: every statement
// is prepared once, here, and callers get the part they need.
import { openDatabase, type Db, type OpenOptions } from './database.js';
import { AccountStore } from './account-store.js';
import { DeviceStore } from './device-store.js';
import { LogStore } from './log-store.js';
import { PushStore } from './push-store.js';
import { UplinkStore } from './uplink-store.js';
import { ReportQueries } from './report-queries.js';
import { UpdateStore } from './update-store.js';

export class Storage {
  /** Presses, incidents and their events. */
  readonly log: LogStore;
  /** Credentials and last known device state. */
  readonly devices: DeviceStore;
  /** Dashboard users and sessions. */
  readonly accounts: AccountStore;
  /** What the owner's views read. */
  readonly reports: ReportQueries;
  /** Updates over the air, asked for and carried out. */
  readonly updates: UpdateStore;
  /** Web Push keys and the phones that asked for news. */
  readonly push: PushStore;
  /** What goes to a head office, and how far it has confirmed. */
  readonly uplink: UplinkStore;

  constructor(readonly db: Db) {
    this.log = new LogStore(db);
    this.devices = new DeviceStore(db);
    this.accounts = new AccountStore(db);
    this.reports = new ReportQueries(db);
    this.updates = new UpdateStore(db);
    this.push = new PushStore(db);
    this.uplink = new UplinkStore(db);
  }

  static open(dataDir: string, options: OpenOptions = {}): Storage {
    return new Storage(openDatabase(dataDir, options));
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

/** Runs `use` with the storage of the database in `dataDir`, closing it afterwards (also after an async `use`). */
export function withStorage<T>(dataDir: string, use: (storage: Storage) => T): T {
  const storage = Storage.open(dataDir);
  let result: T;
  try {
    result = use(storage);
  } catch (error) {
    storage.close();
    throw error;
  }
  if (result instanceof Promise) return result.finally(() => storage.close()) as T;
  storage.close();
  return result;
}
