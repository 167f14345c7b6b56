/**
 * The form that adds a role binding to a group. When the organization's application can list
 * its teams and projects (GET /api/scopes: LangSmith's workspaces), the scope is picked from
 * them by name. Otherwise (embedded, LangWatch, or the application not answering) the scope id
 * is free text, suggested from the ids other bindings already use; a listed form keeps that
 * free text behind "Another scope" for a scope the application does not list yet.
 */
import { submitsTo, type FormPlan } from './actions.js';
import { ApiError, getJson } from './api.js';
import { field, h, select } from './dom.js';
import { manageProps } from './state.js';
import { BINDING_ROLES, SCOPE_TYPES, type Binding, type BindingRole, type GroupSummary, type ScopeType } from './types.js';

/** A scope the application lists (src/api/admin/scopes.routes.ts). */
export interface ListedScope {
  scopeType: ScopeType;
  scopeId: string;
  name: string;
}

/** GET /api/scopes. */
export interface ScopesAnswer {
  source: 'application' | 'none';
  scopes: ListedScope[];
}

/** A listed scope's option value: its type and id, split again at the first colon (ids may hold one). */
const scopeValue = (s: Pick<ListedScope, 'scopeType' | 'scopeId'>) => `${s.scopeType}:${s.scopeId}`;
const OTHER = 'other';
const SCOPE_GROUPS: readonly (readonly [ScopeType, string])[] = [
  ['TEAM', 'Teams'],
  ['PROJECT', 'Projects'],
];

function parseScopeValue(value: string): { scopeType: ScopeType; scopeId: string } | null {
  const at = value.indexOf(':');
  const scopeType = value.slice(0, at) as ScopeType;
  return at > 0 && SCOPE_TYPES.includes(scopeType) ? { scopeType, scopeId: value.slice(at + 1) } : null;
}

/** The scope select of a listed form: the whole organization, the listed scopes by type, and "Another scope". */
function scopeSelect(scopes: readonly ListedScope[]): HTMLSelectElement {
  const byName = [...scopes].sort((a, b) => a.name.localeCompare(b.name));
  // Preselected: the first listed team (or project), the likeliest pick.
  const first = SCOPE_GROUPS.map(([type]) => byName.find((s) => s.scopeType === type)).find((s) => s !== undefined);
  return h(
    'select',
    { name: 'scope' },
    h('option', { value: scopeValue({ scopeType: 'ORGANIZATION', scopeId: '' }) }, 'The whole organization'),
    SCOPE_GROUPS.map(([type, label]) => {
      const listed = byName.filter((s) => s.scopeType === type);
      return listed.length === 0
        ? null
        : h(
            'optgroup',
            { label },
            listed.map((s) => h('option', { value: scopeValue(s), selected: s === first }, s.name)),
          );
    }),
    h('option', { value: OTHER }, 'Another scope, by type and id…'),
  );
}

export function bindingText(
  b: Pick<Binding, 'role' | 'scopeType' | 'scopeId'> & { customRoleId?: string | null; customRoleName?: string | null },
): string {
  const role = b.role === 'CUSTOM' ? `CUSTOM ${b.customRoleName ?? b.customRoleId ?? ''}` : b.role;
  return `${role} on ${b.scopeType}${b.scopeType === 'ORGANIZATION' ? '' : ` ${b.scopeId}`}`;
}

/** The scope ids the organization's bindings use, by scope type, for the scope id's suggestions. */
export function knownScopes(groups: readonly Pick<GroupSummary, 'bindings'>[]): Record<'TEAM' | 'PROJECT', string[]> {
  const seen = { TEAM: new Set<string>(), PROJECT: new Set<string>() };
  for (const g of groups) {
    for (const b of g.bindings) if (b.scopeType === 'TEAM' || b.scopeType === 'PROJECT') seen[b.scopeType].add(b.scopeId);
  }
  return { TEAM: [...seen.TEAM].sort(), PROJECT: [...seen.PROJECT].sort() };
}

export function bindingForm(groupId: string, scopes: Record<'TEAM' | 'PROJECT', string[]>, onDone: () => Promise<void>): HTMLFormElement {
  const role = select(
    'role',
    BINDING_ROLES.map((r) => [r, r] as const),
    'MEMBER',
  );
  const scopeType = select(
    'scopeType',
    ['TEAM', 'PROJECT', 'ORGANIZATION'].map((s) => [s, s] as const),
    'TEAM',
  );
  const suggestions = h('datalist', { id: 'scope-ids' });
  const scopeId = h('input', { type: 'text', name: 'scopeId', autocomplete: 'off', list: 'scope-ids' });
  const customRoleId = h('input', { type: 'text', name: 'customRoleId', autocomplete: 'off' });
  const customField = field('Custom role id', customRoleId);
  const typeField = field('Scope type', scopeType);
  const FREE_TEXT_HINT = "the application's team or project id; suggested: the ids other bindings use";
  const scopeField = field('Scope id', scopeId, FREE_TEXT_HINT);
  // Filled in once GET /api/scopes answers with the application's scopes; until then (and for
  // good when it has none) the form is the free-text one.
  const listedSlot = h('div', { hidden: true });
  let listed: { control: HTMLSelectElement; names: Map<string, string> } | null = null;
  customField.hidden = true;
  const picking = () => listed !== null && listed.control.value !== OTHER;
  const suggest = () => {
    const type = scopeType.value;
    const ids = type === 'TEAM' || type === 'PROJECT' ? scopes[type] : [];
    suggestions.replaceChildren(...ids.map((id) => h('option', { value: id })));
    typeField.hidden = picking();
    scopeField.hidden = picking() || type === 'ORGANIZATION';
  };
  role.addEventListener('change', () => {
    customField.hidden = role.value !== 'CUSTOM';
  });
  scopeType.addEventListener('change', suggest);
  suggest();
  void getJson<ScopesAnswer>('/api/scopes').then(
    (answer) => {
      if (answer.source !== 'application' || answer.scopes.length === 0) return;
      const control = scopeSelect(answer.scopes);
      listed = { control, names: new Map(answer.scopes.map((s) => [scopeValue(s), s.name])) };
      control.addEventListener('change', suggest);
      listedSlot.replaceChildren(field('Scope', control, "the application's teams and projects, as it lists them now"));
      listedSlot.hidden = false;
      suggest();
    },
    (err: unknown) => {
      // The free text stays; the hint says why nothing is listed.
      const why = err instanceof ApiError ? err.message : String(err);
      scopeField.querySelector('small')!.textContent = `${FREE_TEXT_HINT} (the application's teams could not be listed: ${why})`;
    },
  );
  const problem = h('div', { role: 'alert' });
  const submit = h('button', { type: 'submit', ...manageProps() }, 'Add binding');
  const form = h(
    'form',
    { class: 'panel inline', 'aria-label': 'Add a role binding' },
    field('Role', role),
    customField,
    listedSlot,
    typeField,
    scopeField,
    suggestions,
    submit,
    problem,
  );
  submitsTo(
    form,
    { submit, problem },
    (): FormPlan => {
      const picked = picking() && listed ? parseScopeValue(listed.control.value) : null;
      const body: { role: BindingRole; scopeType: ScopeType; scopeId?: string; customRoleId?: string } = {
        role: role.value as BindingRole,
        scopeType: picked?.scopeType ?? (scopeType.value as ScopeType),
      };
      if (!SCOPE_TYPES.includes(body.scopeType) || !BINDING_ROLES.includes(body.role)) return null;
      if (body.scopeType !== 'ORGANIZATION') body.scopeId = picked ? picked.scopeId : scopeId.value.trim();
      if (body.role === 'CUSTOM') body.customRoleId = customRoleId.value.trim();
      // Said with the scope's name when it was picked by name.
      const name = picked && listed ? listed.names.get(listed.control.value) : undefined;
      return {
        call: { method: 'POST', path: `/api/groups/${encodeURIComponent(groupId)}/bindings`, body },
        done: `Binding added: ${bindingText({ ...body, scopeId: name ?? body.scopeId ?? '' })}.`,
        refused: 'Not added',
      };
    },
    onDone,
  );
  return form;
}
