import type { MiddlewareHandler } from 'hono';
import { groupCommit } from '../../store/group-commit.js';
import type { AppEnv } from '../env.js';

/**
 * No SCIM answer leaves before what it wrote, or read, is on disk: writes share a batched
 * commit (src/store/group-commit.ts) and each request waits for it here. A commit that fails
 * turns the answer into an error, so an IdP is never told of a write that was not saved.
 */
export const scimDurable: MiddlewareHandler<AppEnv> = async (c, next) => {
  await next();
  await groupCommit(c.get('deps').db).durable();
};
