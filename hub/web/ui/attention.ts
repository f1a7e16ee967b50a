// Getting the attention of someone who is not looking at the page: a new
// unhappy customer, an all-call or a new alarm (the disk failing, nobody
// reachable) sounds three beeps and, where the browser allows it, shows a
// notification. Sound needs one click on the page first (browsers refuse
// sound before that); the choice is remembered in this browser.
import type { TodayView } from '../../contract/api-types.js';
import { h } from './dom.js';
import { t } from './i18n.js';

const SETTING = 'lb-attention';
let audio: AudioContext | null = null;
let seenIncidents: Set<number> | null = null;
let seenAlarms = new Set<string>();

function enabled(): boolean {
  return localStorage.getItem(SETTING) === 'on';
}

function beep(): void {
  if (!audio) return;
  const start = audio.currentTime;
  for (let i = 0; i < 3; i++) {
    const tone = audio.createOscillator();
    const gain = audio.createGain();
    tone.frequency.value = 880;
    gain.gain.setValueAtTime(0.25, start + i * 0.3);
    gain.gain.setValueAtTime(0, start + i * 0.3 + 0.18);
    tone.connect(gain).connect(audio.destination);
    tone.start(start + i * 0.3);
    tone.stop(start + i * 0.3 + 0.2);
  }
}

/** Tells the person: beeps and a notification; counted on <body data-attention> (what tests and a curious technician can read). */
function alert(title: string, body: string): void {
  document.body.dataset.attention = String(Number(document.body.dataset.attention ?? 0) + 1);
  if (!enabled()) return;
  beep();
  if ('Notification' in window && Notification.permission === 'granted') new Notification(title, { body, tag: body });
}

/**
 * Compares the new view with what was seen: new red incidents and new
 * alarms call for attention (not the first view). One call per update, so a
 * complaint nobody can take beeps once, not once for it and once for its alarm.
 */
export function noticeChanges(view: TodayView): void {
  const incidents = new Set(view.open.map((incident) => incident.id));
  const alarms = new Set(view.alarms);
  if (seenIncidents !== null) {
    const news: [string, string][] = [];
    for (const incident of view.open) {
      if (seenIncidents.has(incident.id) || incident.kind !== 'red') continue;
      news.push([t('Unhappy customer: {{label}}', { label: incident.location }), incident.unrouted ? t('Nobody could be paged for {{place}}', { place: incident.location }) : t('{{place}}: someone pressed RED', { place: incident.location })]);
    }
    for (const alarm of view.alarms) if (!seenAlarms.has(alarm)) news.push([t('Loyalty button alarm'), alarm]);
    if (news.length > 0) alert(news[0][0], news.map(([, body]) => body).join('\n'));
  }
  seenIncidents = incidents;
  seenAlarms = alarms;
}

/** The switch on Today: turning it on is the click that lets the page make sound, and asks to show notifications. */
export function attentionSwitch(): HTMLElement {
  const label = () => (enabled() ? t('Sound and notifications: on') : t('Sound and notifications: off'));
  const button = h('button', {
    type: 'button',
    id: 'attention',
    'aria-pressed': enabled() ? 'true' : 'false',
    onclick: async () => {
      const on = !enabled();
      localStorage.setItem(SETTING, on ? 'on' : 'off');
      button.textContent = label();
      button.setAttribute('aria-pressed', on ? 'true' : 'false');
      if (!on) return;
      // Not awaited: without an audio device resume() may never settle, and the page must not wait on it.
      audio ??= new AudioContext();
      void audio.resume();
      if ('Notification' in window && Notification.permission === 'default') await Notification.requestPermission();
    },
  }, label());
  // A click anywhere wakes the sound up after a reload (browsers keep it off until the page is used).
  if (enabled() && !audio) document.addEventListener('click', () => void (audio ??= new AudioContext()).resume(), { once: true });
  return button;
}
