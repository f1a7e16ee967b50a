// Phone notifications for an owner or a manager away from the shop: which
// news this phone gets (an unhappy customer nobody handles, all-calls, device
// alarms, mood alerts) and when not (quiet hours). The browser subscribes
// with the hub's public key; the hub sends through the browser's push service.
import { h, field, replace } from './dom.js';
import { jsonRequest, type Api } from './api.js';
import { pageLanguage, t } from './i18n.js';

interface PushView {
  enabled: boolean;
  publicKey: string | null;
  topics: string[];
  phones: { endpoint: string; topics: string[]; quietFrom: string | null; quietTo: string | null; lastSentAt: number | null; lastError: string | null }[];
}

const TOPIC_WORDS: Record<string, () => string> = {
  unhandled: () => t('An unhappy customer nobody has answered'),
  'all-call': () => t('Nobody on shift: every pager called'),
  devices: () => t('A device missing, a low battery, the hub’s disk'),
  mood: () => t('Many unhappy customers at one place'),
};
const topicText = (topic: string): string => TOPIC_WORDS[topic]?.() ?? topic;

export async function showNotify(main: HTMLElement, api: Api, message?: string): Promise<void> {
  let view: PushView;
  try {
    view = await api<PushView>('/api/push');
  } catch (failure) {
    replace(main, h('h1', {}, t('Phone notifications')), h('p', { class: 'error', role: 'alert' }, (failure as Error).message));
    return;
  }
  const heading = h('h1', {}, t('Phone notifications'));
  const intro = h('p', { class: 'quiet' }, t('Staff are paged on their wrists at once. Here an owner or a manager away from the shop chooses what reaches this phone — it can arrive minutes late, and needs internet.'));
  if (!view.enabled) {
    replace(main, heading, intro, h('p', {}, t('Phone notifications are off on this hub. An owner turns them on by adding "push": { "contact": "mailto:you@example.com" } to the settings file.')));
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
      lang: pageLanguage(),
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
          { class: 'settings', onsubmit: (e: Event) => (e.preventDefault(), void run(subscribe, t('This phone will be notified.'))) },
          h('fieldset', {}, h('legend', {}, t('Tell me about')), boxes.map((box) => h('label', { class: 'check' }, box, topicText(box.value)))),
          h('fieldset', {}, h('legend', {}, t('Quiet hours (nothing is sent)')), field(t('From'), quietFrom), field(t('To'), quietTo)),
          h('button', { type: 'submit' }, t('Notify this phone')),
        )
      : h('p', { class: 'error' }, t('This browser cannot receive notifications here: it needs the dashboard over HTTPS (or on this computer as localhost).')),
    h('h2', {}, t('Your phones')),
    view.phones.length === 0
      ? h('p', { class: 'quiet' }, t('None yet.'))
      : h(
          'ul',
          {},
          view.phones.map((phone) =>
            h(
              'li',
              {},
              `${new URL(phone.endpoint).hostname}: ${phone.topics.map(topicText).join('; ') || t('nothing')}`,
              phone.quietFrom ? ` · ${t('quiet {{from}}–{{to}}', { from: phone.quietFrom, to: phone.quietTo ?? '' })}` : '',
              phone.lastError ? h('span', { class: 'error' }, ` · ${t('last try failed: {{error}}', { error: phone.lastError })}`) : '',
              ' ',
              h('button', { type: 'button', onclick: () => void run(() => api('/api/push/subscription', jsonRequest('DELETE', { endpoint: phone.endpoint })), t('Stopped.')) }, t('Stop')),
            ),
          ),
        ),
    view.phones.length > 0 ? h('button', { type: 'button', onclick: () => void run(() => api('/api/push/test', jsonRequest('POST')), t('Test sent.')) }, t('Send a test')) : null,
  );
}
