// Batched multi-row inserts through the project's own Kysely database (dist/storage/database.js),
// for the seeding tool. The statement text for a given table and batch size is built once and reused;
// values are always bound parameters. Rows are written inside transactions of `rowsPerTransaction`,
// so a crash leaves whole transactions and an interrupted seed can be told apart by its counts.
import { CompiledQuery } from 'kysely';

/** Rows per statement: 500 × 23 columns (users) stays under SQLite's 32,766 and PostgreSQL's 65,535 parameters. */
export const ROWS_PER_STATEMENT = 500;
/** Rows per transaction: large enough that commits (fsyncs) do not dominate, small enough to keep the WAL modest. */
export const ROWS_PER_TRANSACTION = 20_000;

const statements = new Map();

function statementText(dialect, table, columns, rows) {
  const key = `${dialect}|${table}|${columns.join(',')}|${rows}`;
  let text = statements.get(key);
  if (text) return text;
  const width = columns.length;
  const tuples = [];
  for (let r = 0; r < rows; r++) {
    const marks = [];
    for (let c = 0; c < width; c++) marks.push(dialect === 'postgres' ? `$${r * width + c + 1}` : '?');
    tuples.push(`(${marks.join(',')})`);
  }
  text = `insert into "${table}" (${columns.map((c) => `"${c}"`).join(',')}) values ${tuples.join(',')}`;
  statements.set(key, text);
  return text;
}

/**
 * Inserts `count` rows made by `rowAt(i)` (an array of values in `columns` order) into `table`.
 * `onProgress(done)` is called after each statement.
 */
export async function insertRows({ db, dialect }, table, columns, count, rowAt, onProgress = () => {}) {
  let done = 0;
  while (done < count) {
    const inTransaction = Math.min(ROWS_PER_TRANSACTION, count - done);
    await db.transaction().execute(async (trx) => {
      let written = 0;
      while (written < inTransaction) {
        const rows = Math.min(ROWS_PER_STATEMENT, inTransaction - written);
        const parameters = [];
        for (let r = 0; r < rows; r++) {
          const row = rowAt(done + written + r);
          for (let c = 0; c < row.length; c++) parameters.push(row[c]);
        }
        await trx.executeQuery(CompiledQuery.raw(statementText(dialect, table, columns, rows), parameters));
        written += rows;
        onProgress(done + written);
      }
    });
    done += inTransaction;
  }
}
