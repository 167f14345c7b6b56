/** A table shown a page of rows at a time, with Previous and Next, for lists that can run long. */
import { announce, h, table, type Column } from './dom.js';

export const PAGE_SIZE = 25;

export function pagedTable(
  label: string,
  columns: readonly Column[],
  rows: readonly HTMLTableRowElement[],
  emptyMessage: string,
  pageSize = PAGE_SIZE,
): HTMLElement {
  const wrap = table(null, columns, rows.slice(0, pageSize), emptyMessage);
  if (rows.length <= pageSize) return wrap;
  const tbody = wrap.querySelector('tbody')!;
  const pages = Math.ceil(rows.length / pageSize);
  let pageNo = 0;
  const status = h('span', { class: 'muted', 'aria-live': 'polite' });
  const previous = h('button', { type: 'button', class: 'secondary small', 'aria-label': `Previous page of ${label}` }, '← Previous');
  const next = h('button', { type: 'button', class: 'secondary small', 'aria-label': `Next page of ${label}` }, 'Next →');
  const show = (n: number, say: boolean) => {
    pageNo = Math.min(Math.max(n, 0), pages - 1);
    const first = pageNo * pageSize;
    const shown = rows.slice(first, first + pageSize);
    tbody.replaceChildren(...shown);
    const text = `${first + 1}–${first + shown.length} of ${rows.length}`;
    status.textContent = text;
    previous.disabled = pageNo === 0;
    next.disabled = pageNo === pages - 1;
    if (say) announce(`${label}: ${text}.`);
  };
  previous.addEventListener('click', () => show(pageNo - 1, true));
  next.addEventListener('click', () => show(pageNo + 1, true));
  show(0, false);
  return h(
    'div',
    { class: 'paged', 'data-paged': label },
    wrap,
    h('nav', { class: 'pager toolbar', 'aria-label': `Pages of ${label}` }, previous, status, next),
  );
}
