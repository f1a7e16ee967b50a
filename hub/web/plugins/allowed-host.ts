// The dashboard answers only under its own names (allowed-hosts.ts): a page
// that reaches it under a foreign name (DNS rebinding) gets 421.
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { hostnameOf } from '../allowed-hosts.js';
import { ApiError } from '../errors.js';

async function allowedHost(app: FastifyInstance, options: { hosts: Set<string> }): Promise<void> {
  app.addHook('onRequest', async (request) => {
    const name = hostnameOf(request.headers.host);
    if (name === null || !options.hosts.has(name)) throw new ApiError('wrong-host');
  });
}

/** Applies to the whole server, before anything else. */
export default fp(allowedHost, { name: 'allowed-host' });
