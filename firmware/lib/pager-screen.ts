// What the pager's 128×64 display shows, as lines to draw: a menu (can't go,
// outcome, cause, mute), the alert to act on (kind, count, level, place, age),
// or the idle screen (who wears it, the shift); the hub link on the bottom
// line. Pure, so the layout is tested in Node.

import type { PagerAlert } from './alert-list.js';
import { BAT, CHARGE, HUB_OK, KIND_WORDS, MORE, NO_ALERTS, NO_HUB, OFF_SHIFT, ON_SHIFT, YOURS } from './pager-words.js';

export interface ScreenLine {
  text: string;
  y: number;
  /** Font scale of the 6×8 font. */
  size: number;
}

/** A question on the screen: a long press shows the next choice, a short one sends this one. */
export interface Menu {
  title: string;
  choice: string;
}

export interface ScreenState {
  menu: Menu | null;
  current: PagerAlert | null;
  alertCount: number;
  onShift: boolean;
  /** Who wears the pager, as the hub says; '' before it has. */
  wearer: string;
  connected: boolean;
  /** The hub's time now, or null before the first sync. */
  hubNow: number | null;
  /** The pager's own charge in percent, or null without a battery reading. */
  battery: number | null;
}

/** At or below this the pager asks to be charged (the hub's default low mark, config battery.lowPercent). */
const LOW_BATTERY_PERCENT = 15;

/** "42s", "3m5s"; empty when the hub's time is not known yet. */
export function ageText(time: number, hubNow: number | null): string {
  if (hubNow === null) return '';
  const s = Math.max(0, Math.round((hubNow - time) / 1000));
  return s < 60 ? s + 's' : Math.floor(s / 60) + 'm' + (s % 60) + 's';
}

export function pagerScreen(state: ScreenState): ScreenLine[] {
  const lines: ScreenLine[] = [];
  if (state.menu) {
    lines.push({ text: state.menu.title, y: 0, size: 1 });
    lines.push({ text: state.menu.choice, y: 20, size: 2 });
  } else if (state.current) {
    const a = state.current.alert;
    lines.push({ text: (KIND_WORDS[a.kind] || a.kind) + (a.count > 1 ? ' x' + a.count : '') + (a.level > 1 ? ' L' + a.level : ''), y: 0, size: 1 });
    lines.push({ text: a.location, y: 14, size: 2 });
    lines.push({ text: ageText(a.time, state.hubNow) + (state.current.acknowledged ? YOURS : ''), y: 36, size: 1 });
    if (state.alertCount > 1) lines.push({ text: '+' + (state.alertCount - 1) + MORE, y: 46, size: 1 });
  } else {
    lines.push({ text: (state.wearer ? state.wearer + ': ' : '') + (state.onShift ? ON_SHIFT : OFF_SHIFT), y: 0, size: 1 });
    lines.push({ text: NO_ALERTS, y: 20, size: 1 });
  }
  const battery = state.battery === null ? '' : '  ' + (state.battery <= LOW_BATTERY_PERCENT ? CHARGE : BAT) + ' ' + state.battery + '%';
  lines.push({ text: (state.connected ? HUB_OK : NO_HUB) + battery, y: 56, size: 1 });
  return lines;
}
