// Phone notifications for an owner or a manager away from the shop: which
// news this phone gets (an unhappy customer nobody handles, all-calls, device
// alarms, mood alerts) and when not (quiet hours). The browser subscribes
// with the hub's public key; the hub sends through the browser's push service.
import { h, field, replace } from './dom.js';
import { jsonRequest, type Api } from './api.js';

interface PushView {
  enabled: boolean;
  publicKey: string | null;
  topics: string[];
  phones: { endpoint: string; topics: string[]; quietFrom: string | null; quietTo: string | null; lastSentAt: number | null; lastError: string | null }[];
}

const TOPIC_WORDS: Record<string, string> = {
  unhandled: 'An unhappy customer nobody has answered',
  'all-call': 'Nobody on shift: every pager called',
  devices: 'A device missing, a low battery, the hub’s disk',
  mood: 'Many unhappy customers at one place',
};

export async function showNotify(main: HTMLElement, api: Api, message?: string): Promise<void> {
  let view: PushView;
  try {
    view = await api<PushView>('/api/push');
  } catch (failure) {
    replace(main, h('h1', {}, 'Phone notifications'), h('p', { class: 'error', role: 'alert' }, (failure as Error).message));
    return;
  }
  const heading = h('h1', {}, 'Phone notifications');
  const intro = h('p', { class: 'quiet' }, 'Staff are paged on their wrists at once. Here an owner or a manager away from the shop chooses what reaches this phone — it can arrive minutes late, and needs internet.');
  if (!view.enabled) {
    replace(main, heading, intro, h('p', {}, 'Phone notifications are off on this hub. An owner turns them on by adding "push": { "contact": "mailto:you@example.com" } to the settings file.'));
    return;
  }
  const supported = 'serviceWorker' in navigator && 'PushManager' in window && window.isSecureContext;
  const run = async (work: () => Promise<unknown>, done: string) => {
    try {
      await work();
      await showNotify(main, api, done);
    } catch (failure) {
      await showNotify(main, api, (failure as Error).message);
    }
  };
  const boxes = view.topics.map((topic) => h('input', { type: 'checkbox', value: topic, checked: topic !== 'mood' }) as HTMLInputElement);
  const quietFrom = h('input', { type: 'time', value: '22:00' }) as HTMLInputElement;
  const quietTo = h('input', { type: 'time', value: '07:00' }) as HTMLInputElement;
  const subscribe = async () => {
    const registration = await navigator.serviceWorker.register('/sw.js');
    const subscription = await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: view.publicKey! /* base64url, as the Push API accepts it */ });
    const body = {
      subscription: subscription.toJSON(),
      topics: boxes.filter((box) => box.checked).map((box) => box.value),
      quietFrom: quietFrom.value || null,
      quietTo: quietTo.value || null,
      lang: document.documentElement.lang || 'en',
    };
    await api('/api/push/subscription', jsonRequest('PUT', body));
  };
  replace(
    main,
    heading,
    intro,
    message ? h('p', { role: 'status' }, message) : null,
    supported
      ? h(
          'form',
          { class: 'settings', onsubmit: (e: Event) => (e.preventDefault(), void run(subscribe, 'This phone will be notified.')) },
          h('fieldset', {}, h('legend', {}, 'Tell me about'), boxes.map((box) => h('label', { class: 'check' }, box, TOPIC_WORDS[box.value] ?? box.value))),
          h('fieldset', {}, h('legend', {}, 'Quiet hours (nothing is sent)'), field('From', quietFrom), field('To', quietTo)),
          h('button', { type: 'submit' }, 'Notify this phone'),
        )
      : h('p', { class: 'error' }, 'This browser cannot receive notifications here: it needs the dashboard over HTTPS (or on this computer as localhost).'),
    h('h2', {}, 'Your phones'),
    view.phones.length === 0
      ? h('p', { class: 'quiet' }, 'None yet.')
      : h(
          'ul',
          {},
          view.phones.map((phone) =>
            h(
              'li',
              {},
              `${new URL(phone.endpoint).hostname}: ${phone.topics.map((t) => TOPIC_WORDS[t] ?? t).join('; ') || 'nothing'}`,
              phone.quietFrom ? ` · quiet ${phone.quietFrom}–${phone.quietTo}` : '',
              phone.lastError ? h('span', { class: 'error' }, ` · last try failed: ${phone.lastError}`) : '',
              ' ',
              h('button', { type: 'button', onclick: () => void run(() => api('/api/push/subscription', jsonRequest('DELETE', { endpoint: phone.endpoint })), 'Stopped.') }, 'Stop'),
            ),
          ),
        ),
    view.phones.length > 0 ? h('button', { type: 'button', onclick: () => void run(() => api('/api/push/test', jsonRequest('POST')), 'Test sent.') }, 'Send a test') : null,
  );
}
