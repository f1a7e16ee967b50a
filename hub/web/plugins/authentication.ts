// Who may see what. The public routes (the login page and what it loads, the
// login API, the health check) are registered here; everything else is
// registered inside `withSession`, an encapsulated context whose hook refuses
// a request without a valid session before any route of it runs.
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { Clock } from '../../domain/clock.js';
import type { Logger } from '../../log.js';
import { LANGUAGES } from '../../i18n/languages.js';
import { SESSION_MS, type Accounts, type User } from '../accounts.js';
import { ApiError, sendError } from '../errors.js';
import type { LoginGuard } from '../login-guard.js';

export const SESSION_COOKIE = 'lb_session';
/** Marks a browser that logged in to an account before (web/login-guard.ts). */
export const CLIENT_COOKIE = 'lb_client';
const CLIENT_COOKIE_S = 365 * 24 * 3600;

declare module 'fastify' {
  interface FastifyRequest {
    /** The logged-in user: set inside the session context, null outside it. */
    user: User | null;
  }
}

export interface AuthenticationOptions {
  accounts: Accounts;
  /** A session ended by logout (its live stream ends). */
  onLogout?(sessionToken: string): void;
  guard: LoginGuard;
  clock: Clock;
  log: Logger;
}

const loginBody = {
  type: 'object',
  properties: { username: { type: 'string', maxLength: 64 }, password: { type: 'string', maxLength: 256 } },
  required: ['username', 'password'],
  additionalProperties: false,
} as const;

/** The login page, its assets, the login API and the health check: reachable without a session. */
export const publicRoutes: FastifyPluginAsync<AuthenticationOptions> = async (app, { accounts, guard, clock, log }) => {
  app.get('/api/health', async () => ({ ok: true }));
  app.get('/login', (_request, reply) => reply.sendFile('login.html'));
  app.get('/assets/login.js', (_request, reply) => reply.sendFile('login.js'));
  app.get('/assets/style.css', (_request, reply) => reply.sendFile('style.css'));
  // Code both pages share (esbuild's chunks: i18next, the language loader); named by content hash.
  app.get<{ Params: { chunk: string } }>(
    '/assets/:chunk',
    { schema: { params: { type: 'object', properties: { chunk: { type: 'string', pattern: '^chunk-[A-Z0-9]{8}\\.js$' } }, required: ['chunk'] } } },
    (request, reply) => reply.sendFile(request.params.chunk),
  );
  // The dashboard's catalogs (the login page needs one before anyone is logged in).
  app.get<{ Params: { language: string } }>(
    '/assets/i18n/:language.json',
    { schema: { params: { type: 'object', properties: { language: { enum: LANGUAGES } }, required: ['language'] } } },
    (request, reply) => reply.sendFile(`i18n/${request.params.language}.json`),
  );
  // The service worker shows push notifications; it must sit at the root to cover the dashboard, and holds no secret.
  app.get('/sw.js', (_request, reply) => reply.sendFile('sw.js'));

  app.post<{ Body: { username: string; password: string } }>('/api/login', { schema: { body: loginBody } }, async (request, reply) => {
    const { username, password } = request.body;
    const clientToken = request.cookies[CLIENT_COOKIE];
    const trusted = clientToken !== undefined && accounts.trustedClientOf(clientToken) === username ? clientToken : null;
    const admission = guard.admit(username, request.ip, trusted);
    if (!admission.ok) {
      log.warn({ username, ip: request.ip, reason: 'too many failed logins' }, 'dashboard login refused');
      throw new ApiError('login-locked', `too many failed logins: try again in ${Math.ceil(admission.retryAfterS / 60)} min`, { 'Retry-After': String(admission.retryAfterS) });
    }
    let result;
    try {
      result = await accounts.login(username, password, clock.now());
    } finally {
      admission.done(result?.ok === true);
    }
    if (!result.ok) {
      log.warn({ username, ip: request.ip, reason: result.reason }, 'dashboard login refused');
      if (result.reason === 'busy') throw new ApiError('busy');
      // The guess that used up the allowance says so at once.
      const retryAfterS = guard.waitFor(username, request.ip, trusted, false);
      if (retryAfterS !== null) throw new ApiError('login-locked', `too many failed logins: try again in ${Math.ceil(retryAfterS / 60)} min`, { 'Retry-After': String(retryAfterS) });
      throw new ApiError('wrong-credentials');
    }
    log.info({ username: result.user.username, ip: request.ip, trustedClient: trusted !== null }, 'dashboard login');
    reply.setCookie(SESSION_COOKIE, result.token, { httpOnly: true, sameSite: 'strict', secure: 'auto', path: '/', maxAge: SESSION_MS / 1000 });
    const clientCookie = trusted ? null : accounts.trustClient(username, clock.now());
    if (clientCookie) reply.setCookie(CLIENT_COOKIE, clientCookie, { httpOnly: true, sameSite: 'strict', secure: 'auto', path: '/api/login', maxAge: CLIENT_COOKIE_S });
    return result.user;
  });
};

/**
 * Registers `routes` in a context that requires a session: an API call
 * without one is refused (401), a page is redirected to the login.
 */
export function withSession(options: AuthenticationOptions, routes: (app: FastifyInstance) => Promise<void>): FastifyPluginAsync {
  return async (app) => {
    app.addHook('onRequest', async (request, reply) => {
      request.user = options.accounts.session(request.cookies[SESSION_COOKIE], options.clock.now());
      if (request.user) return;
      if (request.url.startsWith('/api/')) return sendError(reply, 'not-logged-in');
      return reply.redirect('/login');
    });
    app.post('/api/logout', async (request, reply) => {
      const token = request.cookies[SESSION_COOKIE];
      options.accounts.logout(token);
      if (token) options.onLogout?.(token);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return { ok: true };
    });
    await routes(app);
  };
}
