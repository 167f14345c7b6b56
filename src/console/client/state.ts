/** Who is signed in, and which render is current (a page that finished late must not draw). */
import type { Session } from './types.js';

export const state: { session: Session | null; renderId: number; navigated: boolean } = {
  session: null,
  renderId: 0,
  navigated: false,
};

export const canManage = (): boolean => state.session?.scopes.includes('organization:manage') ?? false;
export const MANAGE_HINT = 'Your admin key is view-only (organization:view)';

/** `disabled` and `title` for a control that changes something: off, with the reason, for a view-only key. */
export const manageProps = (): { disabled: boolean; title: string | null } => ({
  disabled: !canManage(),
  title: canManage() ? null : MANAGE_HINT,
});
