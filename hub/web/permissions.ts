// What each role may do, in one place; every route that changes something
// asks here (a preHandler), so the rule is enforced on the server, whatever
// the page shows.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Role } from '../store/account-store.js';
import { ApiError } from './errors.js';

/** Things a user may do besides reading. */
export type Permission =
  /** Acknowledge, resolve, close, reassign incidents; mute buttons; change shifts and who wears a pager. */
  | 'handle'
  /** Accounts, devices, routes, opening hours, settings, updates over the air. */
  | 'administer';

const GRANTED: Record<Role, readonly Permission[]> = {
  owner: ['handle', 'administer'],
  manager: ['handle'],
  viewer: [],
};

export function may(role: Role | undefined, permission: Permission): boolean {
  return role !== undefined && GRANTED[role].includes(permission);
}

/** A preHandler refusing users whose role lacks `permission` (403 with what it takes). */
export function requires(permission: Permission) {
  return async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    if (may(request.user?.role, permission)) return;
    throw new ApiError(permission === 'administer' ? 'owner-only' : 'managers-only');
  };
}
