/** Who owns what: the owner badge, the lock of an IdP-owned group, and error boxes. */
import { ApiError, messageOf } from './api.js';
import { badge, h } from './dom.js';

const IDP_NAMES: Record<string, string> = { okta: 'Okta', 'azure-ad': 'Microsoft Entra ID (azure-ad)' };
export const idpName = (source: string): string => IDP_NAMES[source] ?? source;
export const idpNames = (sources: readonly string[]): string => sources.map(idpName).join(' and ');

/** okta, azure-ad, another IdP's source, or manual (made through the admin API). */
export function ownerBadge(source: string | null | undefined): HTMLSpanElement {
  if (!source) return h('span', { class: 'badge manual', title: 'Made through the admin API; no IdP owns it' }, 'manual');
  const cls = source === 'okta' || source === 'azure-ad' ? source : 'other-idp';
  return h('span', { class: `badge ${cls}`, title: `Pushed by ${idpName(source)}` }, source);
}

export function lockSvg(): SVGSVGElement {
  const NS = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(NS, 'svg');
  for (const [name, value] of [
    ['viewBox', '0 0 16 16'],
    ['width', '16'],
    ['height', '16'],
    ['class', 'icon'],
    ['aria-hidden', 'true'],
    ['focusable', 'false'],
  ] as const) {
    svg.setAttribute(name, value);
  }
  const path = document.createElementNS(NS, 'path');
  path.setAttribute(
    'd',
    'M4 7V5a4 4 0 1 1 8 0v2h1a1 1 0 0 1 1 1v6a1 1 0 0 1-1 1H3a1 1 0 0 1-1-1V8a1 1 0 0 1 1-1h1zm2 0h4V5a2 2 0 1 0-4 0v2z',
  );
  svg.appendChild(path);
  return svg;
}

export function lockBadge(source: string): HTMLSpanElement {
  return h('span', { class: 'lock', title: `Locked: its name and members are managed in ${idpName(source)}` }, lockSvg(), 'Locked');
}

export const roleBadge = (role: string): HTMLSpanElement => badge(role, 'role');

/** A missing endpoint (a bridge without this feature yet) reads differently from a real error. */
export function errorBox(err: unknown, what: string): HTMLParagraphElement {
  if (err instanceof ApiError && err.status === 404 && /^No such endpoint/.test(err.message)) {
    return h('p', { class: 'empty', 'data-state': 'unavailable' }, `This bridge does not offer ${what} yet (${err.path} answered 404).`);
  }
  if (err instanceof ApiError && err.status === 403) {
    return h('p', { class: 'error', role: 'alert' }, `Your admin key may not do this: ${err.message}`);
  }
  const message = err instanceof ApiError ? `${err.message} (${err.status} ${err.code})` : messageOf(err);
  return h('p', { class: 'error', role: 'alert' }, `Could not load ${what}: ${message}`);
}

/** What a refused change says, in the form that asked for it. */
export function refusal(prefix: string, err: unknown): HTMLParagraphElement {
  const code = err instanceof ApiError ? ` (${err.code})` : '';
  return h('p', { class: 'error', role: 'alert' }, `${prefix}: ${messageOf(err)}${code}`);
}
