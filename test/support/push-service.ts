// A push service as a browser vendor runs one, started by the tests: HTTPS,
// one endpoint per subscription. It checks each request as RFC 8292 (VAPID)
// and RFC 8291 (message encryption) say a real one would — the JWT signed
// ES256 by the key in `k`, for this origin, not expired, naming a contact —
// and decrypts the payload with the subscription's private key and auth
// secret (http_ece). It can also be "down" (503) or forget a subscription (410).
import { createECDH, createPublicKey, randomBytes, verify, type ECDH } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import ece from 'http_ece';

export interface Delivered {
  id: string;
  payload: Record<string, unknown>;
  /** The VAPID claims and public key that signed them. */
  claims: { aud: string; exp: number; sub: string };
  vapidKey: string;
  ttl: string | undefined;
  urgency: string | undefined;
}

interface Subscriber {
  ecdh: ECDH;
  auth: Buffer;
}

const b64 = (buffer: Buffer) => buffer.toString('base64url');

/** Checks "vapid t=JWT, k=KEY": the claims when the signature holds, or why not. */
function checkVapid(header: string | undefined, origin: string, now: number): { claims: Delivered['claims']; key: string } | string {
  const match = /^vapid t=([\w-]+\.[\w-]+\.[\w-]+), k=([\w-]+)$/.exec(header ?? '');
  if (!match) return 'no VAPID authorization';
  const [, jwt, key] = match;
  const [head, body, signature] = jwt.split('.');
  const raw = Buffer.from(key, 'base64url');
  if (raw.length !== 65 || raw[0] !== 4) return 'k is not an uncompressed P-256 key';
  const publicKey = createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: b64(raw.subarray(1, 33)), y: b64(raw.subarray(33)) }, format: 'jwk' });
  if (JSON.parse(Buffer.from(head, 'base64url').toString()).alg !== 'ES256') return 'not ES256';
  if (!verify('sha256', Buffer.from(`${head}.${body}`), { key: publicKey, dsaEncoding: 'ieee-p1363' }, Buffer.from(signature, 'base64url'))) return 'bad signature';
  const claims = JSON.parse(Buffer.from(body, 'base64url').toString()) as Delivered['claims'];
  if (claims.aud !== origin) return `audience ${claims.aud} is not ${origin}`;
  const seconds = now / 1000;
  if (!(claims.exp > seconds && claims.exp <= seconds + 24 * 3600)) return 'expired or too far ahead';
  if (!/^(mailto:|https:)/.test(claims.sub ?? '')) return 'no contact';
  return { claims, key };
}

export class PushService {
  readonly delivered: Delivered[] = [];
  readonly refused: string[] = [];
  /** While set, every push is answered with this status (503: the service is unreachable for the hub's purposes). */
  answer: number | null = null;
  private readonly subscribers = new Map<string, Subscriber>();
  private server!: Server;
  private origin = '';

  static async start(certFile: string, keyFile: string): Promise<PushService> {
    const service = new PushService();
    service.server = createServer({ cert: readFileSync(certFile), key: readFileSync(keyFile) }, (request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const [status, reason] = service.receive(request.url ?? '', request.headers, Buffer.concat(chunks));
        if (status >= 400 && reason) service.refused.push(reason);
        response.writeHead(status).end(reason ?? '');
      });
    });
    await new Promise<void>((resolve) => service.server.listen(0, '127.0.0.1', resolve));
    service.origin = `https://127.0.0.1:${(service.server.address() as AddressInfo).port}`;
    return service;
  }

  /** A new subscription, as a browser's pushManager.subscribe() returns it. */
  subscribe(): { endpoint: string; keys: { p256dh: string; auth: string } } {
    const id = randomBytes(8).toString('hex');
    const ecdh = createECDH('prime256v1');
    ecdh.generateKeys();
    const auth = randomBytes(16);
    this.subscribers.set(id, { ecdh, auth });
    return { endpoint: `${this.origin}/push/${id}`, keys: { p256dh: b64(ecdh.getPublicKey()), auth: b64(auth) } };
  }

  /** The browser unsubscribed or the user cleared data: the service answers 410 Gone from now on. */
  forget(endpoint: string): void {
    this.subscribers.delete(endpoint.split('/').pop()!);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private receive(url: string, headers: Record<string, string | string[] | undefined>, body: Buffer): [number, string?] {
    if (this.answer !== null) return [this.answer, 'service unavailable (test)'];
    const id = /^\/push\/([0-9a-f]+)$/.exec(url)?.[1];
    if (!id) return [404, 'no such endpoint'];
    const subscriber = this.subscribers.get(id);
    if (!subscriber) return [410, 'subscription gone'];
    const vapid = checkVapid(headers.authorization as string | undefined, this.origin, Date.now());
    if (typeof vapid === 'string') return [401, vapid];
    if (headers['content-encoding'] !== 'aes128gcm') return [415, 'content-encoding must be aes128gcm'];
    let plain: Buffer;
    try {
      plain = ece.decrypt(body, { version: 'aes128gcm', privateKey: subscriber.ecdh, authSecret: b64(subscriber.auth) });
    } catch (error) {
      return [400, `cannot decrypt: ${(error as Error).message}`];
    }
    this.delivered.push({
      id,
      payload: JSON.parse(plain.toString('utf8')) as Record<string, unknown>,
      claims: vapid.claims,
      vapidKey: vapid.key,
      ttl: headers.ttl as string | undefined,
      urgency: headers.urgency as string | undefined,
    });
    return [201];
  }
}
