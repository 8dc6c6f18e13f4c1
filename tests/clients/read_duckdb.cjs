// Run by tests/test_clients.py with Node.js and @duckdb/node-api 1.x (NODE_PATH points at the
// cached install): opens the published warehouse read-only and prints its rows per table as JSON.
const { DuckDBInstance } = require('@duckdb/node-api');

async function main(path) {
  const instance = await DuckDBInstance.create(path, { access_mode: 'READ_ONLY' });
  const con = await instance.connect();
  const first = async (sql) => (await con.runAndReadAll(sql)).getRows()[0][0];
  const tables = (await con.runAndReadAll(
    "select schema_name, table_name from duckdb_tables() where schema_name in ('core', 'marts') order by 1, 2")).getRows();
  const out = { duckdb: await first('select version()'), rows: {} };
  for (const [schema, name] of tables) {
    out.rows[`${schema}.${name}`] = Number(await first(`select count(*) from "${schema}"."${name}"`));
  }
  console.log(JSON.stringify(out));
}

main(process.argv[2]).catch((err) => { console.error(err); process.exit(1); });
