// The job hackle-agent export does, done by DuckDB, for comparison: read the
// events, lowercase the map keys, drop rows failing the required-field /
// UUID / timestamp checks, and write snappy Parquet in Hackle's schema.
// Usage: node bench/duckdb-export.mjs INPUT ndjson|csv OUT.parquet THREADS
// DuckDB comes from the tests' install in testdata/duckdb (npm ci there).
import { createRequire } from 'node:module';
const require = createRequire(new URL('../testdata/duckdb/package.json', import.meta.url));
const { DuckDBInstance } = require('@duckdb/node-api');

const [input, format, out, threads] = process.argv.slice(2);
const inst = await DuckDBInstance.create(':memory:', { threads: String(threads || 1) });
const c = await inst.connect();
await c.run("SET TimeZone='UTC'");

const mapType = 'MAP(VARCHAR, VARCHAR)';
const reader = format === 'csv'
  ? `read_csv('${input}', header=true, columns={'insert_id':'VARCHAR','event_key':'VARCHAR','ts':'VARCHAR','metric_value':'VARCHAR','identifiers':'VARCHAR','user_properties':'VARCHAR','event_properties':'VARCHAR','platform_properties':'VARCHAR'})`
  : `read_json('${input}', format='newline_delimited', columns={'insert_id':'VARCHAR','event_key':'VARCHAR','ts':'VARCHAR','metric_value':'VARCHAR','identifiers':'JSON','user_properties':'JSON','event_properties':'JSON','platform_properties':'JSON'})`;
// JSON object -> MAP(VARCHAR, VARCHAR) with lowercased keys.
const m = (col) => `map_from_entries(list_transform(map_entries(coalesce(${col}::JSON, '{}')::${mapType}), e -> {'key': lower(e.key), 'value': e.value}))`;
const sql = `
COPY (
  SELECT
    make_timestamptz(epoch_us(try_cast(ts AS TIMESTAMPTZ)) // 1000 * 1000) AS ts,
    trim(event_key) AS event_key,
    ${m('identifiers')} AS identifiers,
    lower(insert_id) AS insert_id,
    coalesce(try_cast(metric_value AS DECIMAL(24,6)), 0)::DECIMAL(24,6) AS metric_value,
    ${m('user_properties')} AS user_properties,
    ${m('event_properties')} AS event_properties,
    ${m('platform_properties')} AS platform_properties
  FROM ${reader}
  WHERE regexp_full_match(coalesce(insert_id, ''), '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}')
    AND trim(coalesce(event_key, '')) <> ''
    AND try_cast(ts AS TIMESTAMPTZ) IS NOT NULL
    AND try_cast(ts AS TIMESTAMPTZ) >= TIMESTAMPTZ '2023-01-01 00:00:00+00'
    AND try_cast(ts AS TIMESTAMPTZ) <  TIMESTAMPTZ '2023-01-02 00:00:00+00'
    AND json_extract_string(identifiers::JSON, '$.id') <> ''
    AND json_extract_string(identifiers::JSON, '$.device_id') <> ''
    AND lower(json_extract_string(platform_properties::JSON, '$.osname')) IN ('android', 'ios')
    AND coalesce(json_extract_string(platform_properties::JSON, '$.appversion'), '') <> ''
) TO '${out}' (FORMAT parquet, COMPRESSION snappy)`;
const r = await c.runAndReadAll(sql);
console.log(JSON.stringify({ rows: Number(r.getRows()[0]?.[0] ?? 0) }));
