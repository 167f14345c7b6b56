/**
 * One group. A manual group (no IdP owner) is edited here: its name, its members and its role
 * bindings. An IdP-owned group's name and members change only in the IdP (the admin API answers
 * 409 scim_managed_group), so the page says where, and offers its bindings alone.
 */
import { actionButton, submitsTo } from '../actions.js';
import { getJson } from '../api.js';
import { errorBox, idpName, lockBadge, lockSvg, ownerBadge, roleBadge } from '../badges.js';
import { bindingForm, bindingText, knownScopes } from '../binding-form.js';
import { enc, field, h, loading, pageHeader, table } from '../dom.js';
import { timeEl } from '../format.js';
import type { PageContext } from '../page.js';
import { loadPending, pendingBadge, pendingNotice, pendingOf, type PendingMarks } from '../pending.js';
import { manageProps } from '../state.js';
import type { GroupDetail, GroupSummary, MemberSummary, Page } from '../types.js';

function ownershipNotice(g: GroupDetail): HTMLElement {
  if (g.scimSource) {
    const idp = idpName(g.scimSource);
    return h(
      'div',
      { class: 'notice', 'data-testid': 'lock-notice' },
      lockSvg(),
      ' ',
      h('strong', null, `Managed by ${idp}. `),
      `Rename this group or change its members in ${idp}: such changes made here are refused (409 scim_managed_group). ` +
        'Its role bindings below stay editable here.',
    );
  }
  return h(
    'div',
    { class: 'notice info', 'data-testid': 'manual-notice' },
    h('strong', null, 'Made through the admin API (manual). '),
    'No IdP owns it, so everything about it is edited here: rename it, add and remove members, and change its role bindings.',
  );
}

function renameForm(g: GroupDetail, reload: () => Promise<void>): HTMLFormElement {
  const name = h('input', { type: 'text', name: 'name', value: g.name, maxlength: 100, autocomplete: 'off', required: true });
  const submit = h('button', { type: 'submit', ...manageProps() }, 'Rename');
  const problem = h('div', { role: 'alert' });
  const form = h(
    'form',
    { class: 'panel inline', 'aria-label': 'Rename the group' },
    field('Group name', name, '1 to 100 characters'),
    submit,
    problem,
  );
  submitsTo(
    form,
    { submit, problem },
    () => {
      const wanted = name.value.trim();
      if (!wanted) return { error: 'Enter a name.' };
      if (wanted === g.name) return { error: 'That is already its name.' };
      return {
        call: { method: 'PATCH', path: `/api/groups/${enc(g.id)}`, body: { name: wanted } },
        done: `Renamed to ${wanted}.`,
        refused: 'Not renamed',
        forgetsNames: true,
      };
    },
    reload,
  );
  return form;
}

/** Add a member of the organization by email (suggested: those not in the group yet). */
function addMemberForm(g: GroupDetail, people: readonly MemberSummary[], reload: () => Promise<void>): HTMLFormElement {
  const inGroup = new Set(g.members.map((m) => m.userId));
  const candidates = people.filter((p) => !inGroup.has(p.userId));
  const list = h(
    'datalist',
    { id: 'member-candidates' },
    candidates.map((p) => h('option', { value: p.email }, p.name ?? p.email)),
  );
  const who = h('input', { type: 'text', name: 'member', autocomplete: 'off', list: 'member-candidates', placeholder: 'name@example.com' });
  const submit = h('button', { type: 'submit', ...manageProps() }, 'Add member');
  const problem = h('div', { role: 'alert' });
  const form = h(
    'form',
    { class: 'panel inline', 'aria-label': 'Add a member to the group' },
    field('Member email', who, 'a member of the organization (from an IdP or an invite)'),
    list,
    submit,
    problem,
  );
  submitsTo(
    form,
    { submit, problem },
    () => {
      const typed = who.value.trim();
      const key = typed.toLowerCase();
      if (!typed) return { error: 'Enter the email of a member of the organization.' };
      const person = people.find((p) => p.email.toLowerCase() === key || p.userId === typed);
      if (!person) return { error: `No member of the organization has the email ${typed}.` };
      if (inGroup.has(person.userId)) return { error: `${person.email} is already in ${g.name}.` };
      return {
        call: { method: 'POST', path: `/api/groups/${enc(g.id)}/members`, body: { userId: person.userId } },
        done: `Added ${person.name ?? person.email} to ${g.name}.`,
        refused: 'Not added',
        forgetsNames: true,
      };
    },
    reload,
  );
  return form;
}

function bindingsSection(view: HTMLElement, g: GroupDetail, groups: readonly GroupSummary[], reload: () => Promise<void>): void {
  const errors = h('div');
  view.appendChild(h('h2', null, 'Role bindings'));
  view.appendChild(
    table(
      null,
      ['Role', 'Scope', 'Scope id', ''],
      g.bindings.map((b) =>
        h(
          'tr',
          null,
          h('td', null, roleBadge(b.role === 'CUSTOM' ? `CUSTOM ${b.customRoleName ?? b.customRoleId ?? ''}` : b.role)),
          h('td', null, b.scopeType),
          h('td', { class: 'mono' }, b.scopeId),
          h(
            'td',
            null,
            actionButton({
              label: 'Remove',
              cls: 'danger',
              method: 'DELETE',
              path: `/api/groups/${enc(g.id)}/bindings/${enc(b.id)}`,
              done: 'Binding removed.',
              ariaLabel: `Remove binding ${bindingText(b)}`,
              errors,
              reload,
            }),
          ),
        ),
      ),
      'No role bindings: membership in this group grants nothing yet.',
    ),
  );
  view.appendChild(errors);
  view.appendChild(bindingForm(g.id, knownScopes(groups), reload));
}

function membersSection(
  view: HTMLElement,
  g: GroupDetail,
  people: readonly MemberSummary[],
  pending: PendingMarks,
  reload: () => Promise<void>,
): void {
  const editable = !g.scimSource;
  const errors = h('div');
  view.appendChild(h('h2', null, 'Members'));
  if (!editable)
    view.appendChild(h('p', { class: 'muted' }, `Members are assigned in ${idpName(g.scimSource ?? '')}; each push updates this list.`));
  view.appendChild(
    table(
      null,
      editable ? ['Name', 'Email', ['Added', 'nowrap'], ''] : ['Name', 'Email', ['Added', 'nowrap']],
      g.members.map((m) => {
        const waiting = pendingBadge(pendingOf(pending, 'member', m.userId));
        return h(
          'tr',
          { 'data-user-id': m.userId },
          h('td', null, h('a', { href: `#/members/${enc(m.userId)}` }, m.name ?? m.email), waiting ? [' ', waiting] : null),
          h('td', null, m.email),
          h('td', { class: 'nowrap' }, timeEl(m.addedAt)),
          editable
            ? h(
                'td',
                null,
                actionButton({
                  label: 'Remove',
                  cls: 'danger',
                  method: 'DELETE',
                  path: `/api/groups/${enc(g.id)}/members/${enc(m.userId)}`,
                  done: `Removed ${m.name ?? m.email} from ${g.name}.`,
                  ariaLabel: `Remove ${m.name ?? m.email} from ${g.name}`,
                  errors,
                  reload,
                }),
              )
            : null,
        );
      }),
      'No members.',
    ),
  );
  view.appendChild(errors);
  if (editable) view.appendChild(addMemberForm(g, people, reload));
}

export async function groupDetailPage(view: HTMLElement, id: string, ctx: PageContext): Promise<void> {
  view.appendChild(h('p', { class: 'crumbs' }, h('a', { href: '#/groups' }, '← Groups')));
  const wait = loading(view);
  let g: GroupDetail;
  let groups: GroupSummary[];
  let people: MemberSummary[];
  let pending: PendingMarks;
  try {
    [g, groups, people, pending] = await Promise.all([
      getJson<GroupDetail>(`/api/groups/${enc(id)}`),
      // Only suggestions: the page works without them.
      getJson<Page<GroupSummary>>('/api/groups?limit=1000').then(
        (p) => p.data,
        () => [],
      ),
      getJson<{ data: MemberSummary[] }>('/api/organization/members').then(
        (p) => p.data,
        () => [],
      ),
      loadPending(),
    ]);
  } catch (err) {
    pageHeader(view, 'Group');
    wait.remove();
    view.appendChild(errorBox(err, 'this group'));
    return;
  }
  if (!ctx.live()) return;
  wait.remove();
  pageHeader(view, g.name);
  const waiting = pendingBadge(pendingOf(pending, 'group', g.id));
  view.appendChild(
    h('p', null, ownerBadge(g.scimSource), g.scimSource ? [' ', lockBadge(g.scimSource)] : null, waiting ? [' ', waiting] : null),
  );
  view.appendChild(ownershipNotice(g));
  const notice = pendingNotice(pendingOf(pending, 'group', g.id), 'This group');
  if (notice) view.appendChild(notice);
  view.appendChild(
    h(
      'dl',
      { class: 'facts panel' },
      h('dt', null, 'Id'),
      h('dd', { class: 'mono' }, g.id),
      h('dt', null, 'Slug'),
      h('dd', { class: 'mono' }, g.slug),
      g.externalId ? [h('dt', null, 'External id'), h('dd', { class: 'mono' }, g.externalId)] : null,
      h('dt', null, 'Members'),
      h('dd', null, String(g.memberCount)),
      h('dt', null, 'Created'),
      h('dd', null, timeEl(g.createdAt)),
      h('dt', null, 'History'),
      h('dd', null, h('a', { href: `#/log?group=${enc(g.id)}` }, 'Sync log for this group')),
    ),
  );
  if (!g.scimSource) {
    view.appendChild(h('h2', null, 'Name'));
    view.appendChild(renameForm(g, ctx.reload));
  }
  bindingsSection(view, g, groups, ctx.reload);
  membersSection(view, g, people, pending, ctx.reload);
}
