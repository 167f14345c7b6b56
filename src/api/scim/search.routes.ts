import type { Context } from 'hono';
import { ScimError } from '../../scim/errors.js';
import { listResponse } from '../../scim/render.js';
import { parseProjection, project, wants } from '../../scim/projection.js';
import { DEFAULT_COUNT, MAX_COUNT } from '../../directory/query.js';
import type { AppEnv } from '../env.js';
import { baseUrlOf, groupResource, listParamsFrom, paramText, scimContext, searchRequestParams, userResource } from './resources.routes.js';
import { readJson, scimJson } from './respond.js';

/**
 * POST /.search at the root (RFC 7644 §3.4.3): Users then Groups, paged as one list. A filter
 * naming an attribute that only one resource type has searches that type alone.
 */
export async function rootSearch(c: Context<AppEnv>): Promise<Response> {
  const source = searchRequestParams(await readJson(c));
  const params = listParamsFrom(source);
  const startIndex = Math.max(1, params.startIndex ?? 1);
  const count = Math.min(MAX_COUNT, Math.max(0, params.count ?? DEFAULT_COUNT));
  const ctx = scimContext(c);
  const baseUrl = baseUrlOf(c);
  const str = (v: unknown) => paramText(v);

  const kinds = [userResource, groupResource] as const;
  const totals: number[] = [];
  const failures: ScimError[] = [];
  for (const r of kinds) {
    try {
      totals.push(r.list(ctx, { ...params, startIndex: 1, count: 0 }, false).total);
    } catch (err) {
      if (!(err instanceof ScimError) || err.scimType !== 'invalidFilter') throw err;
      failures.push(err);
      totals.push(-1);
    }
  }
  if (failures.length === kinds.length) throw failures[0]!;

  const resources: unknown[] = [];
  let skip = startIndex - 1;
  let room = count;
  kinds.forEach((r, i) => {
    const total = totals[i]!;
    if (total < 0) return;
    if (skip >= total) {
      skip -= total;
      return;
    }
    if (room > 0) {
      const projection = parseProjection(r.kind, str(source.attributes), str(source.excludedattributes));
      const page = r.list(ctx, { ...params, startIndex: skip + 1, count: room }, wants(projection, r.related));
      for (const v of page.views as never[]) resources.push(project(r.render(v, baseUrl), projection));
      room -= page.views.length;
    }
    skip = 0;
  });
  const total = totals.filter((t) => t >= 0).reduce((a, b) => a + b, 0);
  return scimJson(c, 200, listResponse(resources, total, startIndex));
}
