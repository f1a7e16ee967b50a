// Phone notifications for owners and managers (Web Push): the hub's public
// key, this user's phones and what each wants to hear, subscribe, stop, and
// "send a test". The subscription comes from the browser's push manager; it
// is checked here like any other input before it is stored.
import type { FastifyPluginAsync } from 'fastify';
import type { PushNews } from '../../news/push-news.js';
import { PUSH_TOPICS, type PushStore, type PushTopic } from '../../store/push-store.js';
import { ApiError } from '../errors.js';
import { requires } from '../permissions.js';

export interface PushRouteOptions {
  news: Pick<PushNews, 'enabled' | 'publicKey' | 'test'>;
  store: PushStore;
  now: () => number;
}

interface SubscribeBody {
  subscription: { endpoint: string; keys: { p256dh: string; auth: string } };
  topics: PushTopic[];
  quietFrom: string | null;
  quietTo: string | null;
  lang: string;
}

const hhmm = { anyOf: [{ type: 'string', pattern: '^([01]\\d|2[0-3]):[0-5]\\d$' }, { type: 'null' }] } as const;
const base64url = (maxLength: number) => ({ type: 'string', pattern: '^[A-Za-z0-9_-]+={0,2}$', maxLength }) as const;
const subscribeBody = {
  type: 'object',
  properties: {
    subscription: {
      type: 'object',
      properties: {
        endpoint: { type: 'string', maxLength: 1024 },
        expirationTime: {},
        keys: { type: 'object', properties: { p256dh: base64url(100), auth: base64url(40) }, required: ['p256dh', 'auth'], additionalProperties: false },
      },
      required: ['endpoint', 'keys'],
      additionalProperties: false,
    },
    topics: { type: 'array', items: { enum: PUSH_TOPICS }, uniqueItems: true, maxItems: PUSH_TOPICS.length },
    quietFrom: hhmm,
    quietTo: hhmm,
    lang: { enum: ['en', 'ru', 'de'] },
  },
  required: ['subscription', 'topics', 'quietFrom', 'quietTo', 'lang'],
  additionalProperties: false,
} as const;

/** Why the browser's subscription cannot be used, or null: an https endpoint, a P-256 public key, a 16-byte secret. */
export function subscriptionProblem(subscription: SubscribeBody['subscription']): string | null {
  let url: URL;
  try {
    url = new URL(subscription.endpoint);
  } catch {
    return 'the endpoint is not a URL';
  }
  if (url.protocol !== 'https:') return 'the endpoint must be an https:// address';
  const key = Buffer.from(subscription.keys.p256dh, 'base64url');
  if (key.length !== 65 || key[0] !== 4) return 'keys.p256dh must be an uncompressed P-256 public key (65 bytes)';
  if (Buffer.from(subscription.keys.auth, 'base64url').length !== 16) return 'keys.auth must be 16 bytes';
  return null;
}

export const pushRoutes: FastifyPluginAsync<PushRouteOptions> = async (app, { news, store, now }) => {
  const handle = { preHandler: requires('handle') };
  const mine = (username: string) =>
    store.of(username).map((row) => ({ endpoint: row.endpoint, topics: row.topics, quietFrom: row.quietFrom, quietTo: row.quietTo, lastSentAt: row.lastSentAt, lastError: row.lastError }));
  const view = async (username: string) => ({ enabled: news.enabled(), publicKey: news.enabled() ? await news.publicKey() : null, topics: PUSH_TOPICS, phones: mine(username) });
  const mustBeOn = () => {
    if (!news.enabled()) throw new ApiError('bad-request', 'phone notifications are off on this hub: an owner sets push.contact in the settings file');
  };

  app.get('/api/push', handle, async (request) => view(request.user!.username));
  app.put<{ Body: SubscribeBody }>('/api/push/subscription', { ...handle, schema: { body: subscribeBody } }, async (request) => {
    mustBeOn();
    const { subscription, topics, quietFrom, quietTo, lang } = request.body;
    const problem = subscriptionProblem(subscription);
    if (problem) throw new ApiError('bad-request', problem);
    if ((quietFrom === null) !== (quietTo === null)) throw new ApiError('bad-request', 'quiet hours need both a start and an end');
    const username = request.user!.username;
    store.save({ endpoint: subscription.endpoint, username, p256dh: subscription.keys.p256dh, auth: subscription.keys.auth, topics, quietFrom, quietTo, lang }, now());
    request.log.info({ user: username }, 'push: phone subscribed');
    return view(username);
  });
  app.delete<{ Body: { endpoint: string } }>(
    '/api/push/subscription',
    { ...handle, schema: { body: { type: 'object', properties: { endpoint: { type: 'string', maxLength: 1024 } }, required: ['endpoint'], additionalProperties: false } } },
    async (request) => {
      const username = request.user!.username;
      if (!store.remove(request.body.endpoint, username)) throw new ApiError('not-found', 'no such phone among yours');
      return view(username);
    },
  );
  app.post('/api/push/test', { ...handle, schema: { body: { type: 'object', additionalProperties: false } } }, async (request) => {
    mustBeOn();
    const username = request.user!.username;
    if (store.of(username).length === 0) throw new ApiError('bad-request', 'no phone of yours is subscribed yet');
    await news.test(username);
    return view(username);
  });
};
