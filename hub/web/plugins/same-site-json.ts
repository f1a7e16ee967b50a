// State changes take JSON from the hub's own pages only. Cross-site forms
// cannot send JSON without a preflight, browsers always send Origin on POST,
// and with the SameSite=Strict cookie this shuts out cross-site requests.
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { ApiError } from '../errors.js';

/** The host of an Origin header; an unparseable one matches no host. */
function hostOf(origin: string): string | null {
  try {
    return new URL(origin).host;
  } catch {
    return null;
  }
}

async function sameSiteJson(app: FastifyInstance): Promise<void> {
  app.addHook('onRequest', async (request) => {
    if (request.method === 'GET' || request.method === 'HEAD') return;
    const origin = request.headers.origin;
    if (origin && hostOf(origin) !== request.headers.host) throw new ApiError('cross-site');
    if (!String(request.headers['content-type'] ?? '').startsWith('application/json')) throw new ApiError('json-only');
  });
}

/** Applies to the whole server, before authentication. */
export default fp(sameSiteJson, { name: 'same-site-json' });
