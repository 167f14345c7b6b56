import type Database from 'better-sqlite3';

/**
 * Group commit for SCIM writes. With synchronous=FULL every commit waits for an fsync and
 * writes every page it touched to the WAL; one SCIM write touches about forty pages (the SCIM
 * row, the access model, the sync log and its indexes, the marks). Writes that arrive together
 * therefore share one transaction: each runs in its own savepoint (a failing write rolls back
 * alone), and the batch commits once, when the event loop has handled what had arrived
 * (setImmediate). Nobody is answered before the commit: the HTTP layer awaits `durable()`
 * (src/api/scim/durable.ts), so "acknowledged means on disk" holds exactly as before.
 *
 * Everything else keeps its own transactions, unchanged: a statement that writes, a
 * `db.transaction`, `exec` or `pragma` run outside a batched write commits the open batch
 * first. Reads may run inside the open batch and see its writes; their answers wait for the
 * same commit.
 */
interface Pending {
  promise: Promise<void>;
  resolve(): void;
  reject(err: unknown): void;
}

export class GroupCommit {
  private pending: Pending | null = null;
  /** Nesting depth of `run`: statements inside belong to the batch. */
  private depth = 0;
  private readonly begin: Database.Statement;
  private readonly commit: Database.Statement;
  private readonly rollback: Database.Statement;

  constructor(private readonly db: Database.Database) {
    this.begin = db.prepare('BEGIN IMMEDIATE');
    this.commit = db.prepare('COMMIT');
    this.rollback = db.prepare('ROLLBACK');
  }

  /** True while a statement outside `run` must commit the batch before it runs. */
  mustFlush(): boolean {
    return this.pending !== null && this.depth === 0;
  }

  /** Runs `fn` as one write of the current batch (in a savepoint), opening a batch if none is. */
  run<T>(fn: () => T): T {
    if (!this.pending) {
      this.begin.run();
      let resolve!: () => void;
      let reject!: (err: unknown) => void;
      const promise = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
      // A batch that fails to commit rejects its waiters; nobody else may see an unhandled rejection.
      promise.catch(() => undefined);
      this.pending = { promise, resolve, reject };
      setImmediate(() => this.flush());
    }
    this.depth += 1;
    try {
      return this.db.transaction(fn)();
    } finally {
      this.depth -= 1;
    }
  }

  /** Runs `fn` inside the open batch without committing it: reads that want one snapshot. */
  read<T>(fn: () => T): T {
    if (!this.pending) return this.db.transaction(fn)();
    this.depth += 1;
    try {
      return fn();
    } finally {
      this.depth -= 1;
    }
  }

  /** Commits the open batch now. */
  flush(): void {
    const p = this.pending;
    if (!p) return;
    this.pending = null;
    try {
      this.commit.run();
      p.resolve();
    } catch (err) {
      if (this.db.inTransaction) this.rollback.run();
      p.reject(err);
    }
  }

  /** Resolves once everything written so far is committed; rejects if that commit failed. */
  durable(): Promise<void> {
    return this.pending?.promise ?? Promise.resolve();
  }
}

const batches = new WeakMap<Database.Database, GroupCommit>();

/** The database's group commit (created by openDb). */
export function groupCommit(db: Database.Database): GroupCommit {
  const gc = batches.get(db);
  if (!gc) throw new Error('database was not opened with openDb');
  return gc;
}

let statementsGuarded = false;

/**
 * Installs the group commit on a database: its own `transaction`, `exec` and `pragma`, and every
 * statement that writes, commit an open batch before they run when they are not part of it.
 */
export function enableGroupCommit(db: Database.Database): void {
  const gc = new GroupCommit(db);
  batches.set(db, gc);
  const flushFirst = <F extends (...args: never[]) => unknown>(f: F): F =>
    ((...args: Parameters<F>) => {
      if (gc.mustFlush()) gc.flush();
      return f(...args);
    }) as F;
  const transaction = db.transaction.bind(db);
  db.transaction = ((fn: (...args: unknown[]) => unknown) => flushFirst(transaction(fn))) as typeof db.transaction;
  db.exec = flushFirst<typeof db.exec>(db.exec.bind(db));
  db.pragma = flushFirst<typeof db.pragma>(db.pragma.bind(db));
  db.close = flushFirst<typeof db.close>(db.close.bind(db));

  if (statementsGuarded) return;
  statementsGuarded = true;
  const proto = Object.getPrototypeOf(db.prepare('SELECT 1')) as Database.Statement;
  for (const method of ['run', 'get', 'all', 'iterate'] as const) {
    // Taken off the prototype on purpose: the wrapper below applies it to each statement (`this`).
    // eslint-disable-next-line @typescript-eslint/unbound-method
    const original = proto[method] as (...args: unknown[]) => unknown;
    (proto as unknown as Record<string, unknown>)[method] = function (this: Database.Statement, ...args: unknown[]) {
      if (!this.readonly) {
        const gc = batches.get(this.database);
        if (gc?.mustFlush()) gc.flush();
      }
      return original.apply(this, args);
    };
  }
}
