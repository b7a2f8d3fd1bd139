import type { Database } from '../db/client';

/** What every handler family needs. The worker passes real clients; tests pass a test database. */
export interface ActivityDeps {
  db: Database;
  /** Injected so tests can pin time. Only used for bookkeeping columns, never for ordering. */
  clock?: () => Date;
}
