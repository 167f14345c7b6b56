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

/** What a form's submit asks for: one call, or a sentence saying why not (or nothing, silently). */
export type FormPlan =
  | { call: { method: 'POST' | 'PATCH' | 'DELETE'; path: string; body?: unknown }; done: string; refused: string; forgetsNames?: boolean }
  | { error: string }
  | null;

/**
 * Wires a form to one admin API call: `plan` reads the fields and says what to send (or why
 * not); the call is then made with the button disabled, the result announced and the page drawn
 * again (`reload`), or the refusal shown in `problem` with the button enabled again.
 */
export function submitsTo(
  form: HTMLFormElement,
  parts: { submit: HTMLButtonElement; problem: HTMLElement },
  plan: () => FormPlan,
  reload: () => Promise<void>,
): void {
  const { submit, problem } = parts;
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void (async () => {
      problem.textContent = '';
      const p = plan();
      if (!p) return;
      if ('error' in p) return void problem.appendChild(h('p', { class: 'error' }, p.error));
      submit.disabled = true;
      try {
        await request(p.call.method, p.call.path, p.call.body);
        if (p.forgetsNames) forgetNames();
        announce(p.done);
        await reload();
      } catch (err) {
        problem.appendChild(refusal(p.refused, err));
        submit.disabled = false;
      }
    })();
  });
}
