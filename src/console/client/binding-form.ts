/**
 * The form that adds a role binding to a group. The scope id is free text: the admin API has no
 * list of the application's teams and projects yet, so the suggestions are the ids other
 * bindings already use (and for the embedded target any id is the bridge's own).
 */
import { request } from './api.js';
import { refusal } from './badges.js';
import { announce, field, h, select } from './dom.js';
import { manageProps } from './state.js';
import { BINDING_ROLES, SCOPE_TYPES, type Binding, type BindingRole, type GroupSummary, type ScopeType } from './types.js';

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
  const scopeField = field('Scope id', scopeId, "the application's team or project id; suggested: the ids other bindings use");
  customField.hidden = true;
  const suggest = () => {
    const type = scopeType.value;
    const ids = type === 'TEAM' || type === 'PROJECT' ? scopes[type] : [];
    suggestions.replaceChildren(...ids.map((id) => h('option', { value: id })));
    scopeField.hidden = type === 'ORGANIZATION';
  };
  role.addEventListener('change', () => {
    customField.hidden = role.value !== 'CUSTOM';
  });
  scopeType.addEventListener('change', suggest);
  suggest();
  const problem = h('div', { role: 'alert' });
  const submit = h('button', { type: 'submit', ...manageProps() }, 'Add binding');
  const form = h(
    'form',
    { class: 'panel inline', 'aria-label': 'Add a role binding' },
    field('Role', role),
    customField,
    field('Scope type', scopeType),
    scopeField,
    suggestions,
    submit,
    problem,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void (async () => {
      problem.textContent = '';
      const body: { role: BindingRole; scopeType: ScopeType; scopeId?: string; customRoleId?: string } = {
        role: role.value as BindingRole,
        scopeType: scopeType.value as ScopeType,
      };
      if (!SCOPE_TYPES.includes(body.scopeType) || !BINDING_ROLES.includes(body.role)) return;
      if (body.scopeType !== 'ORGANIZATION') body.scopeId = scopeId.value.trim();
      if (body.role === 'CUSTOM') body.customRoleId = customRoleId.value.trim();
      submit.disabled = true;
      try {
        await request('POST', `/api/groups/${encodeURIComponent(groupId)}/bindings`, body);
        announce(`Binding added: ${bindingText({ ...body, scopeId: body.scopeId ?? '' })}.`);
        await onDone();
      } catch (err) {
        problem.appendChild(refusal('Not added', err));
        submit.disabled = false;
      }
    })();
  });
  return form;
}
