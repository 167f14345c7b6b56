/** Times as the console shows them: local, to the second, with the ISO instant in the title. */
import { h } from './dom.js';

const pad = (n: number): string => String(n).padStart(2, '0');

/** 2024-05-01 14:03:09 in the browser's time zone. */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

export function ago(iso: string): string {
  const ms = Date.now() - new Date(iso).getTime();
  if (!Number.isFinite(ms)) return '';
  const s = Math.round(ms / 1000);
  if (s < 5) return 'just now';
  if (s < 60) return `${s} s ago`;
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min ago`;
  const hrs = Math.round(m / 60);
  if (hrs < 48) return `${hrs} h ago`;
  return `${Math.round(hrs / 24)} days ago`;
}

/** A <time> that never wraps (a date split over two lines reads as two values). */
export function timeEl(iso: string | null | undefined, relative = false): HTMLElement {
  if (!iso) return h('span', { class: 'muted' }, 'never');
  const label = relative ? `${formatTime(iso)} (${ago(iso)})` : formatTime(iso);
  return h('time', { datetime: iso, title: iso, class: 'nowrap' }, label);
}

/** A datetime-local value (local time) as an ISO instant, or null. */
export function localToIso(value: string | null): string | null {
  if (!value) return null;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

export const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;
