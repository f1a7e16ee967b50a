// Every word the pager's own screen says. English here; the build makes a
// bundle per language (scripts/build-firmware.ts: pager-de.js, pager-ru.js)
// with these replaced by the catalogs' translations in the device charset,
// so a translated pager costs no byte more than its words. Short: 21
// characters fit a line, 10 in the large font. Plain constants, not an
// object: the minifier gives each a one-letter name, where property names
// would stay spelled out at every use.

import { OUTCOMES } from '../../shared/payloads.js';

/** What an alert is about, by kind (a green press pages nobody). */
export const KIND_WORDS: { [kind: string]: string } = { red: 'UNHAPPY', missing: 'DEVICE MISSING', battery: 'BATTERY LOW', storage: 'HUB DISK FAILING', mood: 'MANY UNHAPPY', closing: 'STILL OPEN' };
/** After the age of an alert this pager acknowledged. */
export const YOURS = ' - yours';
/** "+2 more" alerts behind the one shown. */
export const MORE = ' more';
export const ON_SHIFT = 'on shift';
export const OFF_SHIFT = 'OFF SHIFT';
export const NO_ALERTS = 'No alerts';
export const CHARGE = 'CHARGE';
export const BAT = 'bat';
export const HUB_OK = 'hub ok';
export const NO_HUB = 'NO HUB';
/** The menus' questions, and what a short press does there. */
export const CANT_GO = "Can't go?";
export const WHY = 'Why?';
export const OUTCOME = 'Outcome?';
export const SHORT_YES = ' (short=yes)';
export const SHORT_SEND = ' (short=send)';
/** The outcomes as shown, in the order of OUTCOMES: in English the protocol's own words (no second copy). */
export const OUTCOME_WORDS: string[] = OUTCOMES;
/** The last choice after the outcomes: mute the customer's button for a while. */
export const MUTE = 'Mute button';
