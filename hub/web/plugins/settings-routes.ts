// The configuration from the browser (owner only): the file as written, and
// the whole file back, checked by the same schema as at start (the same
// field-named problems), written to the same file the CLI edits, applied at
// once. Listeners, TLS and the data directory are not the page's to change:
// they are kept as they are in the file.
import type { FastifyPluginAsync } from 'fastify';
import type { SettingsAccess } from '../../config/load.js';
import type { ConfigFile } from '../../config/schema.js';
import { ApiError } from '../errors.js';
import { requires } from '../permissions.js';

export type { SettingsAccess };

/** Kept from the file whatever the page sends: changing them needs a restart and a technician. */
const KEPT = ['mqtt', 'http', 'tls', 'dataDir', 'durability', 'site', 'logLevel'] as const;

export const settingsRoutes: FastifyPluginAsync<{ settings: SettingsAccess; changed(): void }> = async (app, { settings, changed }) => {
  const administer = { preHandler: requires('administer') };
  const current = () => {
    const file = settings.read();
    if (file === null) throw new ApiError('conflict', 'this hub was started without a configuration file: settings cannot be saved');
    return file;
  };
  app.get('/api/settings', administer, async () => current());
  app.put<{ Body: ConfigFile }>('/api/settings', { ...administer, bodyLimit: 512 * 1024, schema: { body: { type: 'object' } } }, async (request, reply) => {
    const before = current();
    const next: Record<string, unknown> = { ...request.body };
    for (const key of KEPT) {
      if (before[key] === undefined) delete next[key];
      else next[key] = before[key];
    }
    const problems = settings.write(next as ConfigFile);
    if (problems.length > 0) return reply.code(400).send({ error: { code: 'bad-request', message: `${problems.length} setting${problems.length === 1 ? '' : 's'} to fix` }, problems });
    changed();
    return current();
  });
};
