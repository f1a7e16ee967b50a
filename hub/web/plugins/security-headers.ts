// Headers on every answer: no framing, no sniffing, no referrer, no caching,
// and a Content Security Policy that allows only the hub's own scripts.
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

async function securityHeaders(app: FastifyInstance): Promise<void> {
  app.addHook('onRequest', async (_request, reply) => {
    reply.header('Content-Security-Policy', "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'");
    reply.header('X-Content-Type-Options', 'nosniff');
    reply.header('Referrer-Policy', 'no-referrer');
    reply.header('X-Frame-Options', 'DENY');
    reply.header('Cache-Control', 'no-store');
  });
}

/** Applies to the whole server (fastify-plugin lifts it out of its own context). */
export default fp(securityHeaders, { name: 'security-headers' });
