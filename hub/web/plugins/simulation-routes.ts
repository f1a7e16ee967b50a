// The simulated shop's controls: press a simulated button, hold a simulated
// pager's button; and what it leaves behind: the trial data, and "go live"
// (owner only) that removes it.
import type { FastifyPluginAsync } from 'fastify';
import type { PressKind } from '../../../shared/payloads.js';
import { PAGER_HOLD_MS, type PagerHold } from '../../simulation/simulated-devices.js';
import type { SimulatedShop } from '../../simulation/simulated-shop.js';
import type { TrialData } from '../../simulation/trial-data.js';
import { ApiError } from '../errors.js';
import { requires } from '../permissions.js';

export interface SimulationRouteOptions {
  simulation(): SimulatedShop | undefined;
  trial: Pick<TrialData, 'counts' | 'goLive'>;
  changed(): void;
}

export function shopState(shop: SimulatedShop | undefined): { running: boolean; devices: ReturnType<SimulatedShop['state']> } {
  return { running: shop?.running ?? false, devices: shop?.state() ?? [] };
}

export const simulationRoutes: FastifyPluginAsync<SimulationRouteOptions> = async (app, { simulation, trial, changed }) => {
  /** Does something with the running simulated shop and answers its new state; a device it refuses is a 400. */
  const actOnShop = async (action: (shop: SimulatedShop) => Promise<unknown>) => {
    const shop = simulation();
    if (!shop?.running) throw new ApiError('simulation-off');
    try {
      await action(shop);
    } catch (error) {
      throw new ApiError('bad-request', (error as Error).message);
    }
    return shopState(shop);
  };

  app.get('/api/sim', async () => shopState(simulation()));
  app.get('/api/trial', async () => trial.counts());
  app.post('/api/go-live', { preHandler: requires('administer'), schema: { body: { type: 'object', additionalProperties: false } } }, async () => {
    const removed = trial.goLive();
    if ('refused' in removed) throw new ApiError('conflict', removed.refused);
    changed();
    return { removed };
  });
  app.post<{ Body: { device: string; kind: PressKind } }>(
    '/api/sim/press',
    { schema: { body: { type: 'object', properties: { device: { type: 'string', maxLength: 32 }, kind: { enum: ['red', 'green'] } }, required: ['device', 'kind'], additionalProperties: false } } },
    async (request) => actOnShop((shop) => shop.press(request.body.device, request.body.kind)),
  );
  app.post<{ Body: { device: string; hold: PagerHold } }>(
    '/api/sim/pager',
    { schema: { body: { type: 'object', properties: { device: { type: 'string', maxLength: 32 }, hold: { enum: Object.keys(PAGER_HOLD_MS) } }, required: ['device', 'hold'], additionalProperties: false } } },
    async (request) => actOnShop((shop) => shop.hold(request.body.device, request.body.hold)),
  );
};
