// Dashboard accounts, managed by an owner from the dashboard as from the CLI:
// list, add, set a new password, unlock, remove. Owners cannot remove
// themselves, so the shop never loses its last owner.
import type { FastifyPluginAsync } from 'fastify';
import { AccountError, type Accounts } from '../accounts.js';
import { ApiError } from '../errors.js';
import { requires } from '../permissions.js';

const nameParams = { type: 'object', properties: { name: { type: 'string', maxLength: 64 } }, required: ['name'], additionalProperties: false } as const;
const password = { type: 'string', minLength: 1, maxLength: 256 } as const;

export const accountRoutes: FastifyPluginAsync<{ accounts: Accounts; now: () => number }> = async (app, { accounts, now }) => {
  const administer = { preHandler: requires('administer') };
  /** An account refusal (a taken name, a short password) is the owner's to fix: a 400 with the reason. */
  const asked = async <T>(work: () => T | Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      if (error instanceof AccountError) throw new ApiError('bad-request', error.message);
      throw error;
    }
  };

  app.get('/api/accounts', administer, async () => accounts.list());
  app.post<{ Body: { username: string; role: 'owner' | 'manager' | 'viewer'; password: string } }>(
    '/api/accounts',
    {
      ...administer,
      schema: {
        body: {
          type: 'object',
          properties: { username: { type: 'string', maxLength: 64 }, role: { enum: ['owner', 'manager', 'viewer'] }, password },
          required: ['username', 'role', 'password'],
          additionalProperties: false,
        },
      },
    },
    async (request, reply) => {
      const { username, role, password: secret } = request.body;
      await asked(() => accounts.add(username, role, secret, now()));
      return reply.code(201).send(accounts.list());
    },
  );
  app.put<{ Params: { name: string }; Body: { password: string } }>(
    '/api/accounts/:name/password',
    { ...administer, schema: { params: nameParams, body: { type: 'object', properties: { password }, required: ['password'], additionalProperties: false } } },
    async (request) => {
      await asked(() => accounts.setPassword(request.params.name, request.body.password));
      return accounts.list();
    },
  );
  app.post<{ Params: { name: string } }>('/api/accounts/:name/unlock', { ...administer, schema: { params: nameParams, body: { type: 'object', additionalProperties: false } } }, async (request) => {
    await asked(() => accounts.unlock(request.params.name));
    return accounts.list();
  });
  app.delete<{ Params: { name: string } }>('/api/accounts/:name', { ...administer, schema: { params: nameParams } }, async (request) => {
    const name = request.params.name;
    // Only an owner gets here, so while they cannot remove themselves the shop always keeps an owner.
    if (name === request.user!.username) throw new ApiError('bad-request', 'you cannot remove your own account: another owner can');
    await asked(() => accounts.remove(name));
    return accounts.list();
  });
};
