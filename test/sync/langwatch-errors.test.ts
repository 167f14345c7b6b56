/**
 * LangWatch's refusals read in each family's own shape (TARGETS.md §A0 "Error bodies", §A1
 * "Errors"), so a parked reason carries the vendor's code; and the group-name fitting kept
 * from the previous adapter.
 */
import { describe, expect, it } from 'vitest';
import { fitGroupName, langWatchErrorReason } from '../../src/targets/langwatch/index.js';

describe('langWatchErrorReason', () => {
  it('reads the Groups family from `error` (and the sentence from `message`)', () => {
    expect(
      langWatchErrorReason('/api/groups/g1/members', { error: 'group_member_already_added', message: 'The user is already in this group' }),
    ).toEqual({
      code: 'group_member_already_added',
      message: 'The user is already in this group',
    });
    // An error the family does not map: status text, no code.
    expect(langWatchErrorReason('/api/groups/g1/members/u1', { error: 'Internal server error' })).toEqual({
      code: null,
      message: 'Internal server error',
    });
  });

  it('reads the organization family from `code`, with meta and validation reasons as the message', () => {
    expect(
      langWatchErrorReason('/api/organization/invites', {
        code: 'already_organization_member',
        message: 'already_organization_member',
        type: 'already_organization_member',
        kind: 'already_organization_member',
        meta: { email: 'ana@acme.com' },
        error: 'Conflict',
      }),
    ).toEqual({ code: 'already_organization_member', message: 'email: ana@acme.com' });
    expect(
      langWatchErrorReason('/api/organization/2026-08-07/invites', {
        code: 'validation_error',
        message: 'validation_error',
        reasons: [
          {
            code: 'schema_failure',
            meta: { field: 'invites.0.teams', type: 'too_small', message: 'Array must contain at least 1 element(s)' },
          },
        ],
      }),
    ).toEqual({ code: 'validation_error', message: 'invites.0.teams: Array must contain at least 1 element(s)' });
    expect(langWatchErrorReason('/api/scim-tokens', { code: 'enterprise_plan_required', message: 'enterprise_plan_required' })).toEqual({
      code: 'enterprise_plan_required',
      message: null,
    });
  });

  it('reads SCIM errors (RFC 7644 `detail`), and the flat bodies the SCIM routes let through', () => {
    expect(
      langWatchErrorReason('/api/scim/v2/Users', {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
        status: '409',
        detail: 'User already exists in this organization',
      }),
    ).toEqual({ code: null, message: 'User already exists in this organization' });
    expect(langWatchErrorReason('/api/scim/v2/Users/u1', { error: 'Conflict', message: 'Unique constraint violated on email' })).toEqual({
      code: null,
      message: 'Conflict: Unique constraint violated on email',
    });
  });

  it('falls back to a readable reason for bodies of no family (a proxy page)', () => {
    expect(langWatchErrorReason('/api/groups', '<html>502 Bad Gateway</html>')).toEqual({
      code: null,
      message: '<html>502 Bad Gateway</html>',
    });
    expect(langWatchErrorReason('/api/organization/members', null)).toEqual({ code: null, message: null });
  });
});

describe('fitGroupName', () => {
  it('keeps short names, and cuts long ones predictably with a hash of the whole name', () => {
    expect(fitGroupName('  Engineering ')).toBe('Engineering');
    const long = fitGroupName('x'.repeat(150));
    expect(long).toMatch(/^x{90} ~[0-9a-f]{8}$/);
    expect(fitGroupName('x'.repeat(150))).toBe(long);
    expect(fitGroupName(`${'x'.repeat(140)}y`)).not.toBe(long);
  });
});
