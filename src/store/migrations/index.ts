import m0001 from './0001-initial.js';
import m0002 from './0002-access-model.js';
import m0003 from './0003-sync.js';
import m0004 from './0004-sync-log.js';
import m0005 from './0005-due-marks.js';
import m0006 from './0006-target-reconcile.js';
import m0007 from './0007-sync-log-why.js';

/** Append-only: a released migration is never edited; a change is a new numbered file. */
export const MIGRATIONS: { version: number; name: string; sql: string }[] = [
  { version: 1, name: 'initial', sql: m0001 },
  { version: 2, name: 'access-model', sql: m0002 },
  { version: 3, name: 'sync', sql: m0003 },
  { version: 4, name: 'sync-log', sql: m0004 },
  { version: 5, name: 'due-marks', sql: m0005 },
  { version: 6, name: 'target-reconcile', sql: m0006 },
  { version: 7, name: 'sync-log-why', sql: m0007 },
];
