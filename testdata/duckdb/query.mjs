// Usage: node query.mjs "<SQL>"
// Runs SQL in an in-memory DuckDB (TimeZone UTC) and prints the result rows
// as a JSON array of objects. Values that JSON cannot hold exactly (BIGINT,
// DECIMAL, TIMESTAMP, ...) are printed as strings; MAP values as arrays of
// {key, value}. On error it prints DuckDB's message on stderr and exits 1.
// Used by the Go package converters/duckdbtest.
import { DuckDBInstance } from '@duckdb/node-api';

const sql = process.argv[2];
if (!sql) {
  process.stderr.write('usage: node query.mjs "<SQL>"\n');
  process.exit(2);
}

try {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  await connection.run("SET TimeZone='UTC'");
  const reader = await connection.runAndReadAll(sql);
  process.stdout.write(JSON.stringify(reader.getRowObjectsJson()) + '\n');
  connection.closeSync();
  instance.closeSync();
} catch (err) {
  process.stderr.write(String(err && err.message ? err.message : err) + '\n');
  process.exit(1);
}
