/** What the test run's global setup hands to test files about its PostgreSQL server. */
export interface TestPostgresContext {
  /** Superuser URL of the per-run server (database `postgres`). */
  readonly adminUrl: string;
  readonly ownerPassword: string;
  readonly appPassword: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    postgres: TestPostgresContext;
  }
}
