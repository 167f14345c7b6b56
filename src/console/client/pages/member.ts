/**
 * One member: who they are, what they reach and why, and what can be changed here. The
 * organization role and an admin's lock-out are this application's decisions, editable for
 * IdP-pushed people too; an IdP's deactivation is undone only in that IdP.
 */
import { actionButton, submitsTo } from '../actions.js';
import { getJson } from '../api.js';
import { errorBox, idpNames, lockBadge, ownerBadge, roleBadge } from '../badges.js';
import { bindingText } from '../binding-form.js';
import { enc, field, h, loading, pageHeader, select, table } from '../dom.js';
import { formatTime } from '../format.js';
import { WRITE_ACTIONS, summaryText } from '../log-summary.js';
import type { PageContext } from '../page.js';
import { loadPending, pendingBadge, pendingNotice, pendingOf, type PendingMarks } from '../pending.js';
import { manageProps } from '../state.js';
import { ORG_ROLES, type AccessReport, type AccessSource, type LogPage, type MemberDetail, type OrgRole } from '../types.js';
import { pushedBy, statusCell } from '../people.js';

function sourceItem(src: AccessSource): HTMLLIElement {
  const role = roleBadge(src.role === 'CUSTOM' ? `CUSTOM ${src.customRoleId ?? ''}` : src.role);
  if (src.via === 'organizationRole') return h('li', null, role, ' from the organization role');
  if (src.via === 'direct') return h('li', null, role, ' from a direct grant (an invite)');
  return h(
    'li',
    null,
    role,
    ' from group ',
    h('a', { href: `#/groups/${enc(src.groupId ?? '')}` }, src.groupName ?? src.groupId ?? ''),
    ' ',
    ownerBadge(src.scimSource ?? null),
    src.bindingId ? h('span', { class: 'muted' }, ' · binding ', h('code', null, src.bindingId)) : null,
    src.groupId ? [' · ', h('a', { href: `#/log?group=${enc(src.groupId)}` }, 'group history')] : null,
  );
}

const memberPath = (m: MemberDetail) => `/api/organization/members/${enc(m.userId)}`;
const nameOf = (m: MemberDetail) => m.name ?? m.email;

function roleForm(m: MemberDetail, reload: () => Promise<void>): HTMLFormElement {
  const role = select(
    'role',
    ORG_ROLES.map((r) => [r, r] as const),
    m.role,
  );
  const submit = h('button', { type: 'submit', ...manageProps() }, 'Change role');
  const problem = h('div', { role: 'alert' });
  const form = h(
    'form',
    { class: 'inline', 'aria-label': 'Change the organization role' },
    field('Organization role', role, 'ADMIN manages the organization; EXTERNAL sees only what it is given'),
    submit,
    problem,
  );
  submitsTo(
    form,
    { submit, problem },
    () => {
      const wanted = role.value as OrgRole;
      if (wanted === m.role) return { error: `${nameOf(m)} is already ${wanted}.` };
      return {
        call: { method: 'PATCH', path: memberPath(m), body: { role: wanted } },
        done: `${nameOf(m)} is now ${wanted}.`,
        refused: 'Not changed',
      };
    },
    reload,
  );
  return form;
}

/** Disable (an admin's lock-out), enable again (only the admin's one), or say where to reactivate. */
function accessControl(m: MemberDetail, reload: () => Promise<void>): HTMLElement {
  const errors = h('div');
  const byIdp = m.disabledBy.includes('idp');
  const byAdmin = m.disabledBy.includes('admin');
  const parts: (Node | string)[] = [];
  if (m.status === 'active') {
    parts.push(
      actionButton({
        label: 'Disable',
        cls: 'danger',
        method: 'PATCH',
        path: memberPath(m),
        body: { disabled: true },
        confirm: `Disable ${nameOf(m)}? They lose their access in the application until they are enabled here again.`,
        done: `${nameOf(m)} is disabled.`,
        ariaLabel: `Disable ${nameOf(m)}`,
        errors,
        reload,
      }),
      h('span', { class: 'muted' }, ' Locks them out now, whatever the IdPs push; enable them here to undo it.'),
    );
  } else if (byIdp) {
    const where = m.scimSources.length ? idpNames(m.scimSources) : 'the IdP';
    parts.push(
      h(
        'span',
        { 'data-testid': 'idp-disabled' },
        `Deactivated in ${where}: reactivate them there, and the change reaches the bridge at the next push.` +
          (byAdmin ? ' They are also disabled by an admin here.' : ''),
      ),
    );
  } else {
    parts.push(
      actionButton({
        label: 'Enable',
        method: 'PATCH',
        path: memberPath(m),
        body: { disabled: false },
        done: `${nameOf(m)} is enabled again.`,
        ariaLabel: `Enable ${nameOf(m)}`,
        errors,
        reload,
      }),
      h('span', { class: 'muted' }, ' An admin disabled them here; enabling gives their access back.'),
    );
  }
  return h('div', { class: 'status-control' }, h('p', null, ...parts), errors);
}

function manageSection(m: MemberDetail, reload: () => Promise<void>): HTMLElement {
  const from = m.scimSources.length
    ? `Their name and email come from ${idpNames(m.scimSources)}; their organization role and a lock-out are decided here.`
    : 'They were added here (an invite), so their role and status are decided here.';
  return h(
    'section',
    { class: 'panel', 'aria-labelledby': 'manage-title', 'data-testid': 'member-manage' },
    h('h2', { id: 'manage-title' }, 'Role and status'),
    h('p', { class: 'muted' }, from),
    roleForm(m, reload),
    accessControl(m, reload),
  );
}

function lastChangeOf(email: string): HTMLElement {
  const dd = h('dd', null, h('span', { class: 'muted' }, 'looking…'));
  // The newest change an IdP made to this person (a write that succeeded), from the sync log.
  getJson<LogPage>(`/api/sync-logs?limit=20&outcome=success&user=${enc(email)}`).then(
    (page) => {
      const write = page.data.find((e) => WRITE_ACTIONS.includes(e.action));
      const summary = write ? summaryText(write.summary) : '';
      dd.replaceChildren(
        write
          ? h(
              'span',
              null,
              h('a', { href: `#/log/${write.id}` }, formatTime(write.at)),
              ' by ',
              ownerBadge(write.source),
              ` (${write.action}${summary ? `: ${summary}` : ''})`,
            )
          : h('span', { class: 'muted' }, 'none logged'),
      );
    },
    (err: unknown) => {
      const status = typeof err === 'object' && err !== null && 'status' in err ? err.status : null;
      dd.replaceChildren(h('span', { class: 'muted' }, status === 404 ? 'the sync log is not available' : 'unknown'));
    },
  );
  return dd;
}

function accessSection(view: HTMLElement, access: AccessReport): void {
  view.appendChild(h('h2', { id: 'access-title' }, 'Effective access'));
  view.appendChild(
    h(
      'p',
      { class: 'muted' },
      'On each scope the highest built-in role wins (ADMIN > MEMBER > VIEWER); custom roles are listed beside it. Every source that contributes is shown, the winning ones first.',
    ),
  );
  view.appendChild(
    table(
      null,
      ['Scope', 'Effective role', 'Sources'],
      access.effective.map((e) =>
        h(
          'tr',
          null,
          h('td', null, e.scopeType, e.scopeType === 'ORGANIZATION' ? '' : [' ', h('code', null, e.scopeId)]),
          h(
            'td',
            null,
            e.role ? roleBadge(e.role) : h('span', { class: 'muted' }, 'custom only'),
            e.customRoleIds.length ? [' + custom ', e.customRoleIds.map((c, i) => [i ? ', ' : '', h('code', null, c)])] : null,
          ),
          h('td', null, h('ul', { class: 'plain sources' }, e.sources.map(sourceItem))),
        ),
      ),
      'No access: this member is in no group with a binding and has no grants.',
    ),
  );

  view.appendChild(h('h2', null, 'Groups'));
  view.appendChild(
    table(
      null,
      ['Group', 'Owner', 'Bindings'],
      access.groups.map((g) =>
        h(
          'tr',
          null,
          h('td', null, h('a', { href: `#/groups/${enc(g.id)}` }, g.name)),
          h('td', null, ownerBadge(g.scimSource), g.scimSource ? [' ', lockBadge(g.scimSource)] : null),
          h(
            'td',
            null,
            g.bindings.length
              ? h(
                  'ul',
                  { class: 'plain' },
                  g.bindings.map((b) => h('li', null, bindingText(b))),
                )
              : h('span', { class: 'muted' }, 'none'),
          ),
        ),
      ),
      'In no group.',
    ),
  );

  if (access.directGrants.length) {
    view.appendChild(h('h2', null, 'Direct grants'));
    view.appendChild(
      h(
        'ul',
        null,
        access.directGrants.map((b) => h('li', null, bindingText(b))),
      ),
    );
  }
}

export async function memberDetailPage(view: HTMLElement, id: string, ctx: PageContext): Promise<void> {
  view.appendChild(h('p', { class: 'crumbs' }, h('a', { href: '#/members' }, '← Members')));
  const wait = loading(view);
  let m: MemberDetail;
  let access: AccessReport;
  let pending: PendingMarks;
  try {
    [m, access, pending] = await Promise.all([
      getJson<MemberDetail>(`/api/organization/members/${enc(id)}`),
      getJson<AccessReport>(`/api/organization/members/${enc(id)}/access`),
      loadPending(),
    ]);
  } catch (err) {
    pageHeader(view, 'Member');
    wait.remove();
    view.appendChild(errorBox(err, 'this member'));
    return;
  }
  if (!ctx.live()) return;
  wait.remove();
  pageHeader(view, nameOf(m));
  const mark = pendingOf(pending, 'member', m.userId);
  const notice = pendingNotice(mark, nameOf(m));
  if (notice) view.appendChild(notice);
  const waiting = pendingBadge(mark);
  view.appendChild(
    h(
      'dl',
      { class: 'facts panel' },
      h('dt', null, 'Email'),
      h('dd', null, m.email),
      h('dt', null, 'User id'),
      h('dd', { class: 'mono' }, m.userId),
      h('dt', null, 'Organization role'),
      h('dd', null, roleBadge(m.role)),
      h('dt', null, 'Status'),
      h('dd', null, statusCell(m), waiting ? [' ', waiting] : null),
      h('dt', null, 'Pushed by'),
      h('dd', null, pushedBy(m.scimSources)),
      h('dt', null, 'Last IdP change'),
      lastChangeOf(m.email),
      h('dt', null, 'History'),
      h('dd', null, h('a', { href: `#/log?user=${enc(m.email)}` }, 'Sync log for this person')),
    ),
  );
  view.appendChild(manageSection(m, ctx.reload));
  accessSection(view, access);
}
