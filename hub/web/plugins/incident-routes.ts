// Hands on incidents from the dashboard: acknowledge, resolve with outcome,
// cause and note, close without one, reassign, mute a button; and one
// incident's whole history. Changing anything takes an owner or a manager.
import type { FastifyPluginAsync } from 'fastify';
import { OUTCOMES, type Outcome } from '../../../shared/payloads.js';
import type { IncidentDetail } from '../../contract/api-types.js';
import { ApiError } from '../errors.js';
import { requires } from '../permissions.js';

/** What the dashboard may do to incidents; each resolves to why not, or null once done and on disk. */
export interface IncidentActions {
  acknowledge(user: string, incident: number): Promise<string | null>;
  resolve(user: string, incident: number, outcome: Outcome, cause: string | null, note: string | null): Promise<string | null>;
  close(user: string, incident: number, reason: string): Promise<string | null>;
  reassign(user: string, incident: number, pager: string): Promise<string | null>;
  mute(user: string, button: string, minutes: number): Promise<string | null>;
  detail(incident: number): IncidentDetail | null;
}

export interface IncidentRouteOptions {
  actions: IncidentActions;
  changed(): void;
}

const idParams = { type: 'object', properties: { id: { type: 'string', pattern: '^[0-9]{1,10}$' } }, required: ['id'], additionalProperties: false } as const;
const deviceParams = { type: 'object', properties: { id: { type: 'string', maxLength: 32 } }, required: ['id'], additionalProperties: false } as const;
const note = { type: 'string', minLength: 1, maxLength: 500 } as const;
const bodies = {
  empty: { type: 'object', additionalProperties: false },
  resolve: {
    type: 'object',
    properties: { outcome: { type: 'string', enum: OUTCOMES }, cause: { type: 'string', minLength: 1, maxLength: 32 }, note },
    required: ['outcome'],
    additionalProperties: false,
  },
  close: { type: 'object', properties: { reason: note }, required: ['reason'], additionalProperties: false },
  reassign: { type: 'object', properties: { pager: { type: 'string', minLength: 1, maxLength: 32 } }, required: ['pager'], additionalProperties: false },
  mute: { type: 'object', properties: { minutes: { type: 'integer', minimum: 0, maximum: 1440 } }, required: ['minutes'], additionalProperties: false },
} as const;

export const incidentRoutes: FastifyPluginAsync<IncidentRouteOptions> = async (app, { actions, changed }) => {
  /** Answers 200 with the incident as it is now, or the refusal as a conflict. */
  const done = async (action: Promise<string | null>, incident?: number) => {
    const refused = await action;
    if (refused) throw new ApiError('conflict', refused);
    changed();
    return incident === undefined ? { ok: true } : actions.detail(incident);
  };
  const handle = { preHandler: requires('handle') };

  app.get<{ Params: { id: string } }>('/api/incidents/:id', { schema: { params: idParams } }, async (request) => {
    const detail = actions.detail(Number(request.params.id));
    if (!detail) throw new ApiError('not-found', `there is no incident ${request.params.id}`);
    return detail;
  });
  app.post<{ Params: { id: string } }>('/api/incidents/:id/acknowledge', { ...handle, schema: { params: idParams, body: bodies.empty } }, async (request) => {
    const id = Number(request.params.id);
    return done(actions.acknowledge(request.user!.username, id), id);
  });
  app.post<{ Params: { id: string }; Body: { outcome: Outcome; cause?: string; note?: string } }>(
    '/api/incidents/:id/resolve',
    { ...handle, schema: { params: idParams, body: bodies.resolve } },
    async (request) => {
      const id = Number(request.params.id);
      const { outcome, cause, note } = request.body;
      return done(actions.resolve(request.user!.username, id, outcome, cause ?? null, note?.trim() || null), id);
    },
  );
  app.post<{ Params: { id: string }; Body: { reason: string } }>('/api/incidents/:id/close', { ...handle, schema: { params: idParams, body: bodies.close } }, async (request) => {
    const id = Number(request.params.id);
    return done(actions.close(request.user!.username, id, request.body.reason.trim()), id);
  });
  app.post<{ Params: { id: string }; Body: { pager: string } }>('/api/incidents/:id/reassign', { ...handle, schema: { params: idParams, body: bodies.reassign } }, async (request) => {
    const id = Number(request.params.id);
    return done(actions.reassign(request.user!.username, id, request.body.pager), id);
  });
  app.put<{ Params: { id: string }; Body: { minutes: number } }>('/api/buttons/:id/mute', { ...handle, schema: { params: deviceParams, body: bodies.mute } }, async (request) =>
    done(actions.mute(request.user!.username, request.params.id, request.body.minutes)),
  );
};
