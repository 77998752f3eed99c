// A Kysely instance that executes nothing: every query a repository would send is compiled by the
// dialect's own compiler and recorded (SQL text and parameters), and answered with no rows. The index
// review runs the real repositories over it, so the SQL it explains is exactly the SQL the server
// sends, and stays so when a repository changes.
import { Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler, SqliteAdapter, SqliteIntrospector, SqliteQueryCompiler } from 'kysely';

class RecordingConnection {
  constructor(recorder) {
    this.recorder = recorder;
  }

  async executeQuery(compiled) {
    this.recorder.queries.push({ sql: compiled.sql, parameters: [...compiled.parameters], kind: compiled.query.kind });
    const rows = this.recorder.respond?.(compiled) ?? [];
    return { rows, numAffectedRows: 0n };
  }

  async *streamQuery() {}
}

class RecordingDriver {
  constructor(recorder) {
    this.connection = new RecordingConnection(recorder);
  }
  async init() {}
  async acquireConnection() {
    return this.connection;
  }
  async beginTransaction() {}
  async commitTransaction() {}
  async rollbackTransaction() {}
  async releaseConnection() {}
  async destroy() {}
}

/** `recorder.queries` receives every compiled query; `recorder.respond(compiled)` may return rows for one. */
export function recordingKysely(dialect, recorder) {
  const postgres = dialect === 'postgres';
  return new Kysely({
    dialect: {
      createAdapter: () => (postgres ? new PostgresAdapter() : new SqliteAdapter()),
      createDriver: () => new RecordingDriver(recorder),
      createIntrospector: (db) => (postgres ? new PostgresIntrospector(db) : new SqliteIntrospector(db)),
      createQueryCompiler: () => (postgres ? new PostgresQueryCompiler() : new SqliteQueryCompiler()),
    },
  });
}
