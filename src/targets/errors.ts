/**
 * The failures a target reports. They are part of the sync worker's port (src/sync/port.ts),
 * which decides what each means (retry with backoff, or park); targets import them from here.
 */
export { NotYet, TargetError } from '../sync/port.js';
