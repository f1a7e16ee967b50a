// Reading and writing the configuration file. Every failure becomes a
// ConfigError whose message names the file, the field and the problem.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { z } from 'zod';
import type { Logger } from '../log.js';
import { configSchema, type ConfigFile, type HubConfig } from './schema.js';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export const DEFAULT_CONFIG_PATH = 'loyalty-hub.json';

/** Validates parsed JSON; throws ConfigError listing every problem, one per line. */
export function parseConfig(raw: unknown, source: string): HubConfig {
  const result = configSchema.safeParse(raw);
  if (result.success) return result.data;
  throw new ConfigError(`${source} is invalid:\n${describeIssues(result.error.issues)}`);
}

/** Every problem of a file, field by field ("timings.rebuzzS", "must be more than 0 seconds"); empty when it is valid. */
export function configProblems(raw: unknown): { field: string; message: string }[] {
  const result = configSchema.safeParse(raw);
  return result.success ? [] : result.error.issues.map((issue) => ({ field: fieldOf(issue.path), message: issue.message }));
}

function fieldOf(path: readonly PropertyKey[]): string {
  return path.map((part, i) => (typeof part === 'number' ? `[${part}]` : `${i ? '.' : ''}${String(part)}`)).join('');
}

function describeIssues(issues: z.core.$ZodIssue[]): string {
  return issues
    .map((issue) => {
      const path = fieldOf(issue.path);
      return `  - ${path || '(top level)'}: ${issue.message}`;
    })
    .join('\n');
}

/** The file as written (for editing), or an empty object when it does not exist yet. */
export function readConfigFile(path: string): ConfigFile {
  if (!existsSync(path)) return {};
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`cannot read ${path}: ${(error as Error).message}`);
  }
  try {
    return JSON.parse(text) as ConfigFile;
  } catch (error) {
    throw new ConfigError(`${path} is not valid JSON: ${(error as Error).message}`);
  }
}

/** Loads and validates the file; a missing file means all defaults (a fresh install). */
export function loadConfig(path: string): HubConfig {
  return parseConfig(readConfigFile(path), path);
}

/** Validates, then replaces the file atomically (write a temporary file, rename over), so a crash never leaves half a file. */
export function writeConfigFile(path: string, file: ConfigFile): HubConfig {
  const config = parseConfig(file, path);
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify(file, null, 2) + '\n', { mode: 0o640 });
  renameSync(temporary, path);
  return config;
}

/** The data directory: relative paths are taken from the config file's folder. */
export function dataDirOf(config: HubConfig, configPath: string): string {
  return resolve(dirname(resolve(configPath)), config.dataDir);
}

/** A file the configuration names; one that cannot be read is a configuration error naming its setting. */
function readNamed(file: string, setting: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    throw new ConfigError(`${setting}: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
}

/** The certificate and key named in the configuration. */
export function readTlsFiles(tls: NonNullable<HubConfig['tls']>): { key: Buffer; cert: Buffer } {
  return { cert: readNamed(tls.certFile, 'tls.certFile'), key: readNamed(tls.keyFile, 'tls.keyFile') };
}

/** The CA the uplink trusts for its brokers, when one is named. */
export function readUplinkCa(uplink: NonNullable<HubConfig['uplink']>): Buffer | undefined {
  return uplink.caFile ? readNamed(uplink.caFile, 'uplink.caFile') : undefined;
}


/** The configuration file as the settings page sees it. */
export interface SettingsAccess {
  /** The file as written, or null when the hub was started without one. */
  read(): ConfigFile | null;
  /** Checks and writes `file`; the problems when it is invalid (nothing written), else none. */
  write(file: ConfigFile): { field: string; message: string }[];
}

/** The configuration file for the settings page: read as written, written only when valid, then `apply`'d at once. */
export function settingsAccess(path: string | undefined, apply: (path: string) => void, log: Logger): SettingsAccess {
  return {
    read: () => (path ? readConfigFile(path) : null),
    write: (file) => {
      const problems = configProblems(file);
      if (problems.length > 0 || !path) return problems;
      writeConfigFile(path, file);
      apply(path);
      log.info('configuration changed on the dashboard');
      return [];
    },
  };
}
