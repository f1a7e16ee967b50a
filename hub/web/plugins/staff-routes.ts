// Who is on shift and who wears which pager today; an owner or a manager can
// hand a pager to someone else for the rest of the day (a swap, a stand-in).
import type { FastifyPluginAsync } from 'fastify';
import type { StaffView } from '../../contract/api-types.js';
import { ApiError } from '../errors.js';
import { requires } from '../permissions.js';

export interface StaffRouteOptions {
  view(): StaffView;
  /** Returns why not, or null when done. */
  wear(pager: string, person: string | null): string | null;
  shift(pager: string, onShift: boolean, user: string): string | null;
  changed(): void;
}

const pagerParams = { type: 'object', properties: { id: { type: 'string', maxLength: 32 } }, required: ['id'], additionalProperties: false } as const;
const wearBody = {
  type: 'object',
  properties: { person: { anyOf: [{ type: 'string', maxLength: 32 }, { type: 'null' }] } },
  required: ['person'],
  additionalProperties: false,
} as const;

export const staffRoutes: FastifyPluginAsync<StaffRouteOptions> = async (app, options) => {
  app.get('/api/staff', async () => options.view());
  app.put<{ Params: { id: string }; Body: { person: string | null } }>('/api/pagers/:id/wearer', { preHandler: requires('handle'), schema: { params: pagerParams, body: wearBody } }, async (request) => {
    const refused = options.wear(request.params.id, request.body.person);
    if (refused) throw new ApiError('bad-request', refused);
    options.changed();
    return options.view();
  });
  app.put<{ Params: { id: string }; Body: { onShift: boolean } }>(
    '/api/pagers/:id/shift',
    { preHandler: requires('handle'), schema: { params: pagerParams, body: { type: 'object', properties: { onShift: { type: 'boolean' } }, required: ['onShift'], additionalProperties: false } } },
    async (request) => {
      const refused = options.shift(request.params.id, request.body.onShift, request.user!.username);
      if (refused) throw new ApiError('bad-request', refused);
      options.changed();
      return options.view();
    },
  );
};
