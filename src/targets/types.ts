/**
 * The sync worker's port (src/sync/port.ts) as the targets implement it: with the HTTP client
 * every target calls its application with (`TargetHttp`, ./http.ts). The definitions live in the
 * port, so that targets depend on the worker's interface and the worker on no target.
 */
import type * as port from '../sync/port.js';
import type { TargetHttp } from './http.js';

export type { DesiredBinding, DesiredGroup, DesiredGroupRef, DesiredMember, TargetSecrets } from '../sync/port.js';
export type SyncIo = port.SyncIo<TargetHttp>;
export type Target = port.Target<TargetHttp>;
export type ResolvedTarget = port.ResolvedTarget<TargetHttp>;
