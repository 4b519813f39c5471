// bench/broadcast part 1: a campaign round of 1,000,000 recipients materialised (INSERT … SELECT in
// keyset chunks) into campaign_recipients – the durable queue the dispatcher sends from – in a
// database of its own. Prints the time, the rate and the rows by status.
// Run: npm run bench:broadcast -- materialise [--people 1000000] [--chunk 100000] [--keep]
import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import { createPool } from "../../server/db/client.ts";
import { dropDatabase, ensureDatabase } from "../../server/db/ensure-database.ts";
import { migrate, readMigrations } from "../../server/db/migrate.ts";
import { validateDefinition } from "../../server/campaigns/definition.ts";
import { materialiseRound } from "../../server/campaigns/materialise.ts";
import { createCampaign } from "../../server/campaigns/store.ts";
import { seedPopulation } from "./population.ts";

export async function benchMaterialise(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: { people: { type: "string", default: "1000000" }, chunk: { type: "string", default: "100000" }, keep: { type: "boolean", default: false } },
  });
  const people = Number(values.people);
  const root = process.env.BENCH_PG_ROOT_URL ?? "postgresql://postgres@127.0.0.1:5432";
  const url = `${root}/cdht_bench_broadcast_${randomBytes(4).toString("hex")}`;
  await ensureDatabase(url);
  const pool = createPool({ url, max: 2, connectionTimeoutMillis: 60_000 });
  try {
    await migrate(pool, await readMigrations());
    let t = performance.now();
    const { rootCode } = await seedPopulation(pool, { people, tag: "bench", year: 2027, villages: 100 });
    await pool.query("VACUUM ANALYZE");
    console.log(`seeded ${people.toLocaleString("en-US")} people with accounts and assessments in ${((performance.now() - t) / 1000).toFixed(1)} s (not counted)`);

    const def = validateDefinition({
      name: "bench", year: 2027, from: "2027-10-01", to: "2027-10-07",
      audience: { units: [rootCode] },
      rounds: [{ day: 1, message: { vi: "Kính gửi {{address}} {{name}}" } }],
    });
    if (!def.ok) throw new Error(def.message);
    const created = await createCampaign(pool, def.value);
    if (!created.ok) throw new Error(created.message);
    const rss: number[] = [];
    const sampler = setInterval(() => rss.push(process.memoryUsage().rss), 250);
    t = performance.now();
    let chunks = 0;
    const result = await materialiseRound(pool, created.value, 1, { chunkSize: Number(values.chunk), onChunk: () => chunks++ });
    const seconds = (performance.now() - t) / 1000;
    clearInterval(sampler);
    const { rows } = await pool.query(
      `SELECT status::text, COALESCE(reason, '') AS reason, count(*)::int AS n FROM campaign_recipients GROUP BY 1, 2 ORDER BY 1, 2`,
    );
    const { rows: dup } = await pool.query(
      `SELECT count(*)::int AS n FROM (SELECT 1 FROM campaign_recipients GROUP BY campaign_id, round, person_id HAVING count(*) > 1) d`,
    );
    console.log(`materialised ${result.materialised.toLocaleString("en-US")} recipients in ${seconds.toFixed(1)} s ` +
      `(${Math.round(result.materialised / seconds).toLocaleString("en-US")}/s, ${chunks} chunks of ${values.chunk}), target < 60 s: ${seconds < 60 ? "met" : "NOT met"}`);
    console.log(`  by status: ${rows.map((r) => `${r.status}${r.reason ? ` (${r.reason})` : ""} ${r.n.toLocaleString("en-US")}`).join(", ")}`);
    console.log(`  duplicate (campaign, round, person) keys: ${dup[0].n}; bench process peak RSS ${Math.round(Math.max(...rss, process.memoryUsage().rss) / 2 ** 20)} MB`);
  } finally {
    await pool.end();
    if (!values.keep) await dropDatabase(url);
    else console.log(`kept ${url}`);
  }
}
