// DuckDB side of bench/ingest.sh: the same group-by as mnrstat aggregate's
// core (per country x report month: reports, reports removed, median whole
// hours to removal), with explicit column types and a fixed thread count.
// Usage: node duckdb_groupby.mjs CASES.csv THREADS [OUT.csv | --varchar]
// Prints the number of groups; writes them to OUT.csv when given.
// --varchar: the lower bound -- dates left as text, only the two counts,
// grouped by the month as written (no time-zone normalisation, no median).
import { DuckDBInstance } from '@duckdb/node-api';
import { writeFileSync } from 'node:fs';

const [path, threads, arg] = process.argv.slice(2);
const varchar = arg === '--varchar';
const out = varchar ? undefined : arg;
const inst = await DuckDBInstance.create(':memory:', { threads: String(threads) });
const con = await inst.connect();
try { await con.run("SET TimeZone = 'UTC'"); } catch (e) { /* no ICU: UTC anyway */ }
const ts = varchar ? 'VARCHAR' : 'TIMESTAMPTZ';
const cols = {
  case_id: 'VARCHAR', person_id: 'VARCHAR', country: 'VARCHAR', source: 'VARCHAR',
  reported_at: ts, removed_at: ts, closed_at: ts, outcome: 'VARCHAR',
  victim_age_band: 'VARCHAR', support_offered: 'VARCHAR',
  victim_treated_as_suspect: 'VARCHAR',
};
const colspec = '{' + Object.entries(cols).map(([k, v]) => `'${k}': '${v}'`).join(', ') + '}';
const src = `read_csv('${path.replace(/'/g, "''")}', header = true, auto_detect = false,
              delim = ',', quote = '"', escape = '"', columns = ${colspec})`;
const sql = varchar ? `
SELECT country, substr(reported_at, 1, 7) AS month, count(*) AS reports,
       count(removed_at) AS removed
FROM ${src} GROUP BY ALL` : `
SELECT country,
       strftime(reported_at, '%Y-%m') AS month,
       count(*) AS reports,
       count(removed_at) AS removed,
       median(floor((epoch(removed_at) - epoch(reported_at)) / 3600)) AS median_hours
FROM ${src}
GROUP BY ALL ORDER BY ALL`;
const rows = (await con.runAndReadAll(sql)).getRows();
if (out) {
  const lines = rows.map((r) => [r[0], r[1], String(r[2]), String(r[3]), r[4] === null ? '' : String(r[4])].join(','));
  writeFileSync(out, 'country,month,reports,removed,median_hours\n' + lines.join('\n') + '\n');
}
console.log(rows.length);
