import { Hono, type Context } from 'hono';
import { ScimError, toScimErrorBody } from '../../scim/errors.js';
import { etag, location } from '../../scim/render.js';
import { BULK_REQUEST_SCHEMA, BULK_RESPONSE_SCHEMA } from '../../scim/schema-defs.js';
import type { AppEnv } from '../env.js';
import { baseUrlOf, groupResource, scimContext, userResource } from './resources.routes.js';
import { readJson, scimBodyLimit, scimJson } from './respond.js';
import { logRefusedOperation } from './sync-log.js';

/** Advertised in /ServiceProviderConfig and enforced here (RFC 7644 §3.7.4). */
export const BULK_LIMITS = { maxOperations: 1000, maxPayloadSize: 1024 * 1024 };

interface BulkOperation {
  method: string;
  bulkId?: string;
  version?: string;
  path: string;
  data?: unknown;
}

interface BulkResult {
  method: string;
  bulkId?: string;
  version?: string;
  location?: string;
  status: string;
  response?: unknown;
}

/** A bulkId reference inside a string: a whole value ("bulkId:u1") or a path ("/Users/bulkId:u1"). */
const BULK_ID = /bulkId:([^/"\s]+)/g;

function parseOperations(body: unknown): { ops: BulkOperation[]; failOnErrors: number } {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw ScimError.invalidSyntax('A BulkRequest must be a JSON object.');
  const b = body as Record<string, unknown>;
  const schemas = b.schemas;
  if (Array.isArray(schemas) && schemas.length > 0 && !schemas.includes(BULK_REQUEST_SCHEMA)) {
    throw ScimError.invalidSyntax(`A BulkRequest must carry the schema ${BULK_REQUEST_SCHEMA}.`);
  }
  const ops = b.Operations ?? b.operations;
  if (!Array.isArray(ops) || ops.length === 0) throw ScimError.invalidSyntax('Operations must be a non-empty array.');
  if (ops.length > BULK_LIMITS.maxOperations) {
    throw ScimError.payloadTooLarge(`The request has ${ops.length} operations; maxOperations is ${BULK_LIMITS.maxOperations}.`);
  }
  const rawFail = b.failOnErrors;
  // Number() of a JSON object whose toString key is not a function throws; only primitives convert.
  const failOnErrors =
    rawFail === undefined || rawFail === null
      ? Infinity
      : typeof rawFail === 'number' || typeof rawFail === 'string'
        ? Number(rawFail)
        : NaN;
  if (!Number.isInteger(failOnErrors) && failOnErrors !== Infinity) throw ScimError.invalidValue('failOnErrors must be an integer.');
  const seen = new Set<string>();
  const parsed = ops.map((raw, i) => {
    if (!raw || typeof raw !== 'object') throw ScimError.invalidSyntax(`Operations[${i}] must be an object.`);
    const o = raw as Record<string, unknown>;
    if (typeof o.method !== 'string' || typeof o.path !== 'string') {
      throw ScimError.invalidSyntax(`Operations[${i}] needs a method and a path.`);
    }
    const op: BulkOperation = { method: o.method.toUpperCase(), path: o.path, data: o.data };
    if (typeof o.bulkId === 'string') {
      if (seen.has(o.bulkId)) throw ScimError.invalidValue(`bulkId "${o.bulkId}" is used twice.`);
      seen.add(o.bulkId);
      op.bulkId = o.bulkId;
    }
    if (typeof o.version === 'string') op.version = o.version;
    if (op.method === 'POST' && op.bulkId === undefined) throw ScimError.invalidValue(`Operations[${i}]: a POST needs a bulkId.`);
    return op;
  });
  return { ops: parsed, failOnErrors: Math.max(1, failOnErrors) };
}

/** Every "bulkId:x" string inside a value (RFC 7644 §3.7.2). */
function referencedBulkIds(value: unknown, out = new Set<string>()): Set<string> {
  if (typeof value === 'string') {
    for (const m of value.matchAll(BULK_ID)) out.add(m[1]!);
  } else if (Array.isArray(value)) {
    value.forEach((v) => referencedBulkIds(v, out));
  } else if (value && typeof value === 'object') {
    Object.values(value).forEach((v) => referencedBulkIds(v, out));
  }
  return out;
}

function substitute(value: unknown, ids: Map<string, string>): unknown {
  if (typeof value === 'string') {
    return value.replace(BULK_ID, (whole, bulkId: string) => ids.get(bulkId) ?? whole);
  }
  if (Array.isArray(value)) return value.map((v) => substitute(v, ids));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, ids)]));
  }
  return value;
}

function route(path: string): { resource: typeof userResource | typeof groupResource; id?: string } {
  const m = /^\/?(Users|Groups)(?:\/([^/?]+))?\/?$/i.exec(path.trim());
  if (!m) throw ScimError.invalidPath(`Bulk path "${path}" must be /Users, /Groups, /Users/{id} or /Groups/{id}.`);
  const resource = m[1]!.toLowerCase() === 'users' ? userResource : groupResource;
  return m[2] ? { resource, id: decodeURIComponent(m[2]) } : { resource };
}

/**
 * Runs the operations in order. An operation that refers to a bulkId created by a later POST
 * runs that POST first (RFC 7644 §3.7.2); a reference that cannot be resolved, or a cycle,
 * fails that operation with 409 invalidValue. Each operation is its own transaction: Bulk is
 * not atomic (RFC 7644 §3.7), and failOnErrors stops the run after that many failures.
 */
function runBulk(c: Context<AppEnv>, ops: BulkOperation[], failOnErrors: number): BulkResult[] {
  const ctx = scimContext(c);
  const baseUrl = baseUrlOf(c);
  const ids = new Map<string, string>();
  const results = new Map<number, BulkResult>();
  const byBulkId = new Map(ops.flatMap((op, i) => (op.bulkId ? [[op.bulkId, i] as const] : [])));
  const running = new Set<number>();
  let errors = 0;

  const execute = (i: number): void => {
    if (results.has(i) || errors >= failOnErrors) return;
    const op = ops[i]!;
    // Each operation is logged as its own write, under the Bulk request's id.
    const opCtx = {
      ...ctx,
      ...(ctx.log
        ? { log: { ...ctx.log, method: op.method, path: `/scim/v2${op.path.startsWith('/') ? '' : '/'}${op.path}`, written: false } }
        : {}),
    };
    const result: BulkResult = { method: op.method, status: '' };
    if (op.bulkId) result.bulkId = op.bulkId;
    running.add(i);
    try {
      for (const ref of referencedBulkIds([op.path, op.data])) {
        const dep = byBulkId.get(ref);
        if (dep !== undefined && !running.has(dep)) execute(dep);
        if (!ids.has(ref)) {
          throw new ScimError(
            409,
            `bulkId "${ref}" cannot be resolved: no successful POST in this request defines it, or the references form a cycle.`,
            'invalidValue',
          );
        }
      }
      const { resource, id } = route(substitute(op.path, ids) as string);
      const data = substitute(op.data, ids);
      const needsId = op.method !== 'POST';
      if (needsId !== (id !== undefined))
        throw ScimError.invalidPath(
          `${op.method} ${op.path}: ${needsId ? 'the path needs a resource id' : 'POST goes to a resource type endpoint'}.`,
        );
      let state;
      switch (op.method) {
        case 'POST':
          state = resource.state(resource.create(opCtx, data) as never);
          ids.set(op.bulkId!, state.id);
          result.status = '201';
          break;
        case 'PUT':
          state = resource.state(resource.replace(opCtx, id!, data, op.version) as never);
          result.status = '200';
          break;
        case 'PATCH': {
          resource.patch(opCtx, id!, data, op.version, false);
          state = resource.state(resource.get(opCtx, id!, false) as never);
          result.status = '200';
          break;
        }
        case 'DELETE':
          resource.remove(opCtx, id!, op.version);
          result.status = '204';
          result.location = location(baseUrl, resource.kind, id!);
          break;
        default:
          throw ScimError.invalidSyntax(`Bulk method ${op.method} is not one of POST, PUT, PATCH, DELETE.`);
      }
      if (state) {
        result.location = location(baseUrl, resource.kind, state.id);
        result.version = etag(state.version);
      }
    } catch (err) {
      if (!(err instanceof ScimError)) throw err;
      // A refused operation leaves its own entry too, with what the IdP was told.
      if (opCtx.log) logRefusedOperation(c, op.method, opCtx.log.path, err, op.data);
      errors += 1;
      result.status = String(err.status);
      result.response = toScimErrorBody(err);
    } finally {
      running.delete(i);
    }
    results.set(i, result);
  };

  for (let i = 0; i < ops.length && errors < failOnErrors; i++) execute(i);
  return [...results.entries()].sort(([a], [b]) => a - b).map(([, r]) => r);
}

export function bulkRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.post('/', scimBodyLimit(BULK_LIMITS.maxPayloadSize, 'maxPayloadSize'), async (c) => {
    const { ops, failOnErrors } = parseOperations(await readJson(c));
    return scimJson(c, 200, { schemas: [BULK_RESPONSE_SCHEMA], Operations: runBulk(c, ops, failOnErrors) });
  });
  app.on(['GET', 'PUT', 'PATCH', 'DELETE'], '/', () => {
    throw ScimError.methodNotAllowed(['POST']);
  });
  return app;
}
