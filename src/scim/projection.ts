import { ScimError } from './errors.js';
import { resolveAttrPath, type ResolvedAttr, type ResourceKind } from './schema-defs.js';

/**
 * RFC 7644 §3.4.2.5 `attributes` and `excludedAttributes`, applied to a rendered resource.
 * Unknown attribute names are ignored (a client asking for an attribute the bridge does not
 * know gets the resource without it, as for any unassigned attribute). `id` and `schemas`
 * are always returned (RFC 7643 §7: returned "always").
 */
export interface Projection {
  attributes?: ResolvedAttr[];
  excluded?: ResolvedAttr[];
}

export function parseProjection(
  kind: ResourceKind,
  attributes: string | undefined | null,
  excludedAttributes: string | undefined | null,
): Projection {
  const parse = (list: string) =>
    list
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)
      .map((p) => resolveAttrPath(kind, p))
      .filter((r): r is ResolvedAttr => r !== undefined);
  if (attributes && excludedAttributes) {
    throw ScimError.invalidValue('Use either attributes or excludedAttributes, not both.');
  }
  const p: Projection = {};
  if (attributes) p.attributes = parse(attributes);
  if (excludedAttributes) p.excluded = parse(excludedAttributes);
  return p;
}

/** Whether the projection returns the top-level attribute `name` (so it must be read at all). */
export function wants(p: Projection, name: string): boolean {
  const lower = name.toLowerCase();
  if (p.attributes) return p.attributes.some((a) => a.attr.name.toLowerCase() === lower);
  if (p.excluded) return !p.excluded.some((a) => a.attr.name.toLowerCase() === lower && !a.sub);
  return true;
}

function containerOf(out: Record<string, unknown>, r: ResolvedAttr): Record<string, unknown> | undefined {
  if (!r.extension) return out;
  const ext = out[r.schema];
  return ext && typeof ext === 'object' ? (ext as Record<string, unknown>) : undefined;
}

function pickSub(value: unknown, sub: string): unknown {
  if (Array.isArray(value)) {
    const picked = value.filter((v) => v && typeof v === 'object' && sub in v).map((v) => ({ [sub]: (v as Record<string, unknown>)[sub] }));
    return picked.length ? picked : undefined;
  }
  if (value && typeof value === 'object' && sub in value) return { [sub]: (value as Record<string, unknown>)[sub] };
  return undefined;
}

function withoutKey(value: unknown, key: string): unknown {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return value;
  const { [key]: _dropped, ...rest } = value as Record<string, unknown>;
  return rest;
}

function mergeInto(target: Record<string, unknown>, key: string, value: unknown) {
  const prev = target[key];
  if (prev === undefined) {
    target[key] = value;
  } else if (Array.isArray(prev) && Array.isArray(value)) {
    target[key] = prev.map((el, i) => ({ ...(el as object), ...(value[i] as object) }));
  } else if (prev && typeof prev === 'object' && value && typeof value === 'object') {
    target[key] = { ...prev, ...value };
  }
}

export function project(resource: Record<string, unknown>, p: Projection): Record<string, unknown> {
  if (p.attributes) {
    const out: Record<string, unknown> = { schemas: resource.schemas, id: resource.id };
    for (const r of p.attributes) {
      const from = containerOf(resource, r);
      if (!from) continue;
      const value = r.sub ? pickSub(from[r.attr.name], r.sub.name) : from[r.attr.name];
      if (value === undefined) continue;
      if (r.extension) {
        const ext = (out[r.schema] ??= {}) as Record<string, unknown>;
        mergeInto(ext, r.attr.name, value);
      } else {
        mergeInto(out, r.attr.name, value);
      }
    }
    return out;
  }
  if (p.excluded) {
    // Copy on write: the resource is shared with its caller, so only what an exclusion changes
    // (the top level, an extension object, a multi-valued attribute) is copied.
    const out: Record<string, unknown> = { ...resource };
    for (const r of p.excluded) {
      if (r.attr.returned === 'always') continue;
      let from = containerOf(out, r);
      if (!from) continue;
      if (r.extension) from = out[r.schema] = { ...from };
      if (!r.sub) {
        delete from[r.attr.name];
        continue;
      }
      const v = from[r.attr.name];
      if (v !== undefined) from[r.attr.name] = Array.isArray(v) ? v.map((el) => withoutKey(el, r.sub!.name)) : withoutKey(v, r.sub.name);
    }
    return out;
  }
  return resource;
}
