// The dashboard API's errors: one catalogue, one shape, one handler.
// Every error answer is { "error": { "code": "…", "message": "…" } } with the
// catalogue's status (docs/api.md lists them); the message says what to do.
import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import type { ErrorBody } from '../contract/api-types.js';
import type { Logger } from '../log.js';
import { requestTranslator } from './request-language.js';

export const ERRORS = {
  'bad-request': { status: 400, message: 'the request is malformed' },
  'not-logged-in': { status: 401, message: 'log in first' },
  'wrong-credentials': { status: 401, message: 'wrong user name or password' },
  'cross-site': { status: 403, message: 'cross-site request refused' },
  'owner-only': { status: 403, message: 'only an owner may do this' },
  'other-site': { status: 403, message: 'this site is not one of yours' },
  'managers-only': { status: 403, message: 'only an owner or a manager may do this (a viewer account only looks)' },
  conflict: { status: 409, message: 'this cannot be done to the incident as it is now' },
  'not-found': { status: 404, message: 'no such page or API route' },
  'wrong-host': { status: 421, message: 'this hub does not answer to that name: add it to http.allowedHosts' },
  'simulation-off': { status: 404, message: 'the simulated shop is not running (it runs while no real device is configured, unless started with --no-sim)' },
  'too-large': { status: 413, message: 'the request body is too large' },
  'json-only': { status: 415, message: 'send JSON' },
  'login-locked': { status: 429, message: 'too many failed logins: try again later' },
  internal: { status: 500, message: 'the hub could not answer: see its log' },
  busy: { status: 503, message: 'the hub is busy checking passwords: try again in a moment' },
} as const;

export type ErrorCode = keyof typeof ERRORS;

/** Thrown by a route or hook: answered with the code's status and `message` (or the catalogue's). */
export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string = ERRORS[code].message,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** Answers the error in the request's language (a message that is no catalog key stays as it is). */
export function sendError(reply: FastifyReply, code: ErrorCode, message: string = ERRORS[code].message): FastifyReply {
  message = requestTranslator(reply.request)(message);
  const body: ErrorBody & { error: { code: ErrorCode } } = { error: { code, message } };
  return reply.code(ERRORS[code].status).send(body);
}

/** What fastify itself refuses (schema validation, body size, content type), in the catalogue's terms. */
function codeOf(error: FastifyError): ErrorCode {
  if (error.validation) return 'bad-request';
  switch (error.statusCode) {
    case 413:
      return 'too-large';
    case 415:
      return 'json-only';
    case 400:
      return 'bad-request';
    default:
      return 'internal';
  }
}

export function installErrorHandling(app: FastifyInstance, log: Logger): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof ApiError) {
      reply.headers(error.headers);
      return sendError(reply, error.code, error.message);
    }
    const code = codeOf(error);
    if (code === 'internal') {
      log.error({ url: request.url, error: error.message }, 'dashboard request failed');
      return sendError(reply, code);
    }
    return sendError(reply, code, error.message);
  });
  app.setNotFoundHandler((_request, reply) => sendError(reply, 'not-found'));
}
