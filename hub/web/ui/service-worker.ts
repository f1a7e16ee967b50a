// The dashboard's service worker: shows the hub's push notifications on an
// owner's or manager's phone, and opens the dashboard when one is tapped.
// Written against the few service-worker APIs it uses (the DOM typings the
// rest of the dashboard is checked with do not describe a worker).

interface PushPayload {
  title: string;
  body: string;
  tag: string;
  incident: number;
  site: string;
}

interface WorkerScope {
  addEventListener(type: 'push', listener: (event: { data: { json(): unknown } | null; waitUntil(work: Promise<unknown>): void }) => void): void;
  addEventListener(type: 'notificationclick', listener: (event: { notification: { close(): void }; waitUntil(work: Promise<unknown>): void }) => void): void;
  registration: { showNotification(title: string, options: { body: string; tag: string; renotify: boolean; data: unknown }): Promise<void> };
  clients: { matchAll(options: { type: 'window' }): Promise<{ focus(): Promise<unknown>; url: string }[]>; openWindow(url: string): Promise<unknown> };
}

const worker = self as unknown as WorkerScope;

worker.addEventListener('push', (event) => {
  const payload = (event.data?.json() ?? { title: 'Loyalty button', body: '', tag: 'hub', incident: 0, site: '' }) as PushPayload;
  event.waitUntil(worker.registration.showNotification(payload.site ? `${payload.title} · ${payload.site}` : payload.title, { body: payload.body, tag: payload.tag, renotify: true, data: payload }));
});

worker.addEventListener('notificationclick', (event) => {
  event.notification.close();
  event.waitUntil(
    worker.clients.matchAll({ type: 'window' }).then((windows) => (windows.length > 0 ? windows[0].focus() : worker.clients.openWindow('/#today'))),
  );
});
