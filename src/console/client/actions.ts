/** A button that makes one admin API call, then draws the page again and says what happened. */
import { request } from './api.js';
import { refusal } from './badges.js';
import { announce, buttonOf, h } from './dom.js';
import { forgetNames } from './names.js';
import { manageProps } from './state.js';

export interface Action {
  label: string;
  /** Extra classes: `secondary`, `danger`; every action button is `small`. */
  cls?: string;
  method: 'POST' | 'PATCH' | 'DELETE';
  path: string;
  body?: unknown;
  /** Asked with window.confirm first, for what cannot be simply undone. */
  confirm?: string;
  done: string;
  ariaLabel?: string;
  /** Where a refusal is shown. */
  errors: HTMLElement;
  reload: () => Promise<void>;
}

export function actionButton(a: Action): HTMLButtonElement {
  return h(
    'button',
    {
      type: 'button',
      class: `${a.cls ?? ''} small`.trim(),
      ...manageProps(),
      'aria-label': a.ariaLabel ?? null,
      onclick: async (event: MouseEvent) => {
        if (a.confirm && !window.confirm(a.confirm)) return;
        const button = buttonOf(event);
        button.disabled = true;
        try {
          await request(a.method, a.path, a.body);
          forgetNames();
          announce(a.done);
          await a.reload();
          announce(a.done);
        } catch (err) {
          button.disabled = false;
          a.errors.replaceChildren(refusal(`${a.label}: not done`, err));
        }
      },
    },
    a.label,
  );
}
