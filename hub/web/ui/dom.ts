// Building the page without innerHTML: every string becomes a text node, so
// labels and names from devices and staff can never inject markup.
import { format, t } from './i18n.js';

type Child = Node | string | number | null | undefined | false;
type Props = Record<string, string | number | boolean | ((event: Event) => void) | undefined>;

export function h(tag: string, props: Props = {}, ...children: (Child | Child[])[]): HTMLElement {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === false) continue;
    if (typeof value === 'function') element.addEventListener(key.replace(/^on/, ''), value);
    else if (key === 'class') element.className = String(value);
    // Through the CSSOM: the page's Content-Security-Policy blocks style attributes.
    else if (key === 'style') element.style.cssText = String(value);
    else element.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

/** A labelled control: the label's text above it. */
export function field(label: string, control: HTMLElement): HTMLElement {
  return h('label', { class: 'field' }, h('span', {}, label), control);
}

export function replace(container: Element, ...children: (Child | Child[])[]): void {
  container.replaceChildren(...children.flat().filter((c): c is Node | string => c !== null && c !== undefined && c !== false).map((c) => (typeof c === 'number' ? String(c) : c)));
}

/**
 * A table in a box that scrolls sideways on a narrow screen. `cards`: on a
 * phone each row becomes a card, each cell labelled with its column's header.
 */
export function table(headers: string[], rows: Child[][], rowClass?: (index: number) => string | undefined, cards = false): HTMLElement {
  return h(
    'div',
    { class: cards ? 'scroll cards-on-phone' : 'scroll' },
    h(
      'table',
      {},
      h('thead', {}, h('tr', {}, headers.map((header) => h('th', {}, header)))),
      h(
        'tbody',
        {},
        rows.map((cells, i) => h('tr', { class: rowClass?.(i) }, cells.map((cell, c) => h('td', { 'data-label': headers[c] || undefined }, cell)))),
      ),
    ),
  );
}

/** "4m 05s", "12s", "1h 03m". */
export function duration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return t('{{s}}s', { s });
  if (s < 3600) return t('{{m}}m {{s}}s', { m: Math.floor(s / 60), s: String(s % 60).padStart(2, '0') });
  return t('{{h}}h {{m}}m', { h: Math.floor(s / 3600), m: String(Math.floor((s % 3600) / 60)).padStart(2, '0') });
}

export function percent(share: number | null): string {
  return share === null ? '–' : format.percent(share);
}
