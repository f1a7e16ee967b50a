// What `loyalty-hub hq …` does, apart from its options (cli.ts). A module of
// its own so that a shop's hub, started by the same cli, never loads the
// PostgreSQL and NATS clients (docs/benchmarks-findings.md §14).
import pg from 'pg';
import { UserError } from '../cli-errors.js';
import type { Translate } from '../i18n/translate.js';
import { createLogger } from '../log.js';
import { publicDir } from '../paths.js';
import { addToken } from './export-api.js';
import { HqAccounts, type HqRole } from './hq-accounts.js';
import { addSite, migrate } from './hq-database.js';
import { startHqServer } from './hq-server.js';
import { Ingester } from './ingester.js';

export interface IngestOptions {
  nats: string;
  postgres: string;
  user: string;
  replicas: number;
}

const list = (text: string) => text.split(',').map((s) => s.trim());

/** Runs an ingester until SIGINT or SIGTERM. */
export async function ingest(options: IngestOptions, password: string, t: Translate): Promise<void> {
  const log = createLogger('info');
  const ingester = await Ingester.start({ servers: list(options.nats), user: options.user, password, postgres: options.postgres, replicas: options.replicas, log }).catch((error: Error) => {
    throw new UserError(t('the ingester could not start: {{error}}', { error: error.message }));
  });
  log.info('hq: ingesting');
  const stop = () => void ingester.stop().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

/** Runs `use` with a pool on the head office's database, migrated; a failure is the user's to read, and the pool ends. */
async function withHqDatabase<T>(url: string, use: (pool: pg.Pool) => Promise<T>): Promise<T> {
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  try {
    await migrate(pool);
    return await use(pool);
  } catch (error) {
    throw error instanceof UserError ? error : new UserError((error as Error).message);
  } finally {
    await pool.end();
  }
}

export function allowSite(postgres: string, site: string): Promise<void> {
  return withHqDatabase(postgres, (pool) => addSite(pool, site));
}

/** A new export token (shown once by the caller). */
export function makeToken(postgres: string, name: string, sites: string | undefined): Promise<string> {
  return withHqDatabase(postgres, (pool) => addToken(pool, name, sites ? list(sites) : null));
}

export function addAccount(postgres: string, name: string, role: HqRole, sites: string | undefined, password: string): Promise<void> {
  return withHqDatabase(postgres, (pool) => new HqAccounts(pool).add(name, role, sites ? list(sites) : null, password));
}

/** Serves the head-office dashboard and export API; returns the port it listens on. */
export async function serve(options: { postgres: string; host: string; port: number }): Promise<number> {
  const pool = new pg.Pool({ connectionString: options.postgres, max: 8 });
  pool.on('error', () => undefined);
  await migrate(pool).catch((error: Error) => {
    throw new UserError(error.message);
  });
  const server = await startHqServer({ pool, log: createLogger('info'), host: options.host, port: options.port, publicDir: publicDir() });
  return server.port;
}
