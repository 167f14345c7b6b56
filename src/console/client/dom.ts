/// <reference lib="dom" />
/**
 * Building the page. Everything on screen is made with DOM calls and textContent, never
 * innerHTML, so nothing the IdPs or the admin API send can become markup.
 */

export type Child = Node | string | number | null | undefined | false | readonly Child[];

/**
 * Attributes, plus `class`, `value` (set as the property) and `on<event>` listeners. A listener's
 * parameter is typed `never` here so that one taking a MouseEvent or a SubmitEvent fits.
 */
export type Props = Record<string, string | number | boolean | null | undefined | ((event: never) => unknown)>;

export function append(el: Node, child: Child): void {
  if (child === null || child === undefined || child === false) return;
  if (typeof child === 'string' || typeof child === 'number') el.appendChild(document.createTextNode(String(child)));
  else if (child instanceof Node) el.appendChild(child);
  else for (const c of child) append(el, c);
}

/** h('a', {href: '#/x', class: 'y', onclick: fn}, 'text', otherNode, [more]) */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props?: Props | null, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(props ?? {})) {
    if (value === null || value === undefined || value === false) continue;
    if (typeof value === 'function') {
      if (!name.startsWith('on')) throw new TypeError(`h(${tag}): ${name} is a function but not an on<event> listener`);
      el.addEventListener(name.slice(2), value as EventListener);
    } else if (name === 'class') {
      el.className = String(value);
    } else if (name === 'value' && (el instanceof HTMLInputElement || el instanceof HTMLSelectElement)) {
      el.value = String(value);
    } else if (value === true) {
      el.setAttribute(name, '');
    } else {
      el.setAttribute(name, String(value));
    }
  }
  append(el, children);
  return el;
}

export const enc = encodeURIComponent;

let uid = 0;
export const nextId = (prefix: string): string => `${prefix}-${++uid}`;

/** Says `message` to screen readers through the page's polite live region. */
export function announce(message: string): void {
  const announcer = document.getElementById('announcer');
  if (!announcer) return;
  announcer.textContent = '';
  setTimeout(() => {
    announcer.textContent = message;
  }, 30);
}

export const empty = (message: string): HTMLParagraphElement => h('p', { class: 'empty' }, message);

export function badge(text: string, cls?: string | null, title?: string | null): HTMLSpanElement {
  return h('span', { class: `badge ${cls ?? text}`, title: title ?? null }, text);
}

/** A column heading, with the class its cells share (`num` right-aligns, `nowrap` keeps one line). */
export type Column = string | readonly [label: string, cls: string | null];

export function table(caption: string | null, columns: readonly Column[], rows: readonly Node[], emptyMessage?: string): HTMLElement {
  if (rows.length === 0 && emptyMessage) return empty(emptyMessage);
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      null,
      caption ? h('caption', null, caption) : null,
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          columns.map((c) => (typeof c === 'string' ? h('th', { scope: 'col' }, c) : h('th', { scope: 'col', class: c[1] }, c[0]))),
        ),
      ),
      h('tbody', null, rows),
    ),
  );
}

export function field(label: string, control: HTMLElement, hint?: string | null): HTMLDivElement {
  control.id ||= nextId('f');
  return h('div', { class: 'field' }, h('label', { for: control.id }, label), control, hint ? h('small', { class: 'muted' }, hint) : null);
}

export function select(
  name: string,
  options: readonly (readonly [value: string, label: string])[],
  value?: string | null,
): HTMLSelectElement {
  return h(
    'select',
    { name },
    options.map(([v, label]) => h('option', { value: v, selected: v === (value ?? '') }, label)),
  );
}

export function pageHeader(view: HTMLElement, title: string, intro?: string): void {
  document.title = `${title} · scim-bridge`;
  view.appendChild(h('h1', { tabindex: '-1' }, title));
  if (intro) view.appendChild(h('p', { class: 'muted' }, intro));
}

/** A "Loading…" line that the page removes once its data is in. */
export function loading(view: HTMLElement): HTMLElement {
  const el = h('p', { class: 'muted', 'aria-busy': 'true' }, 'Loading…');
  view.appendChild(el);
  return el;
}

export function filterBox(label: string, onInput: (query: string) => void): HTMLDivElement {
  const input = h('input', { type: 'search', placeholder: 'Type to filter' });
  input.addEventListener('input', () => onInput(input.value.trim().toLowerCase()));
  return h('div', { class: 'toolbar' }, field(label, input));
}

/** The button an event came from (listeners are attached to buttons only). */
export const buttonOf = (event: Event): HTMLButtonElement => event.currentTarget as HTMLButtonElement;
