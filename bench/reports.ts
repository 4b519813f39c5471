// bench/reports: a province of 1,000,000 people in 5,000 units with 3 years of assessments, generated
// in a database of its own. Prints the time of the province's report and of a commune's (median of
// several runs), and streams the 1,000,000-row XLSX export from a server process, printing its peak
// memory (VmHWM); times the campaign effect (30% of the people messaged). Run: npm run bench:reports [-- --people 1000000 --keep]
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { createPool } from "../server/db/client.ts";
import { dropDatabase, ensureDatabase } from "../server/db/ensure-database.ts";
import { migrate, readMigrations } from "../server/db/migrate.ts";
import { campaignEffect } from "../server/reports/campaign-effect.ts";
import { reportFor } from "../server/reports/store.ts";

const { values } = parseArgs({
  options: { people: { type: "string", default: "1000000" }, keep: { type: "boolean", default: false }, database: { type: "string" } },
});
const PEOPLE = Number(values.people);
const PG_ROOT = process.env.BENCH_PG_ROOT_URL ?? "postgresql://postgres@127.0.0.1:5432";
const run = randomBytes(4).toString("hex");
/** --database <url> reuses a database generated before with --keep. */
const databaseUrl = values.database ?? `${PG_ROOT}/cdht_bench_reports_${run}`;
const generate = values.database === undefined;
const ADMIN_TOKEN = "bench-admin-token-0123456789";
const COMMUNES = 100;
const VILLAGES = 40;
const OTHERS = 9; // schools, agencies and enterprises per commune: 1 + 100 × (1 + 40 + 9) = 5,001 units

const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

await ensureDatabase(databaseUrl);
const pool = createPool({ url: databaseUrl, max: 4 });
try {
  await migrate(pool, await readMigrations());
  let t0 = process.hrtime.bigint();
  if (generate) await generateProvince();
  async function generateProvince() {
  await pool.query(`INSERT INTO units (code, name, kind) VALUES ('TINH', 'Tỉnh Thử Nghiệm', 'province')`);
  await pool.query(
    `INSERT INTO units (code, name, kind, parent_id)
     SELECT 'XA-' || c, 'Xã số ' || c, 'commune', (SELECT id FROM units WHERE code = 'TINH') FROM generate_series(1, $1) c`,
    [COMMUNES],
  );
  await pool.query(
    `INSERT INTO units (code, name, kind, parent_id)
     SELECT 'XA-' || c || '-' || CASE WHEN v <= $2::int THEN 'THON-' || v ELSE 'TRUONG-' || v END,
            CASE WHEN v <= $2::int THEN 'Thôn ' || v ELSE 'Trường ' || v END || ' xã ' || c,
            CASE WHEN v <= $2::int THEN 'village' ELSE 'school' END::unit_kind, x.id
       FROM generate_series(1, $1) c JOIN units x ON x.code = 'XA-' || c, generate_series(1, $2::int + $3::int) v`,
    [COMMUNES, VILLAGES, OTHERS],
  );
  const leaves = (await pool.query<{ id: string }>(`SELECT id FROM units WHERE kind IN ('village', 'school') ORDER BY code`)).rows.map((r) => r.id);
  const perLeaf = Math.ceil(PEOPLE / leaves.length);
  await pool.query(`UPDATE units SET member_count = $1 WHERE kind IN ('village', 'school')`, [perLeaf]);
  await pool.query(
    `INSERT INTO people (full_name, birth_year, target_group, unit_id)
     SELECT 'Nguyễn Văn Người ' || i, 1950 + i % 55, (ARRAY['resident','worker','public_servant','student'])[1 + i % 4]::target_group,
            ($1::uuid[])[1 + (i - 1) / $2]
       FROM generate_series(1, $3) i`,
    [leaves, perLeaf, PEOPLE],
  );
  // Three years: everyone in 2025 (so its export has 1,000,000 rows), 80% and 60% in the years before.
  for (const [year, share] of [[2023, 0.6], [2024, 0.8], [2025, 1]] as const) {
    await pool.query(
      `INSERT INTO assessments (person_id, unit_id, target_group, set_id, set_version, year, status, total, verdict, started_at, submitted_at, decided_at)
       SELECT p.id, p.unit_id, p.target_group, 'cdht-' || p.target_group, '1', $1,
              s.status::assessment_status, CASE WHEN s.status <> 'in_progress' THEN 60 + (r * 40)::int END,
              CASE WHEN s.status = 'confirmed' THEN 'dat' END,
              make_timestamptz($1, 3, 1, 0, 0, 0) + (r * interval '200 days'),
              CASE WHEN s.status <> 'in_progress' THEN make_timestamptz($1, 3, 1, 0, 0, 0) + (r * interval '200 days') + interval '1 day' END,
              CASE WHEN s.status IN ('confirmed', 'rejected') THEN make_timestamptz($1, 3, 1, 0, 0, 0) + (r * interval '200 days') + interval '5 days' END
         FROM (SELECT id, unit_id, target_group, random() AS r FROM people) p,
              LATERAL (SELECT CASE WHEN p.r < 0.6 THEN 'confirmed' WHEN p.r < 0.75 THEN 'submitted' WHEN p.r < 0.8 THEN 'rejected' ELSE 'in_progress' END AS status) s
        WHERE random() < $2`,
      [year, share],
    );
  }
  await pool.query(`INSERT INTO unit_targets (unit_id, year, target_group, percent) SELECT id, 2025, g::target_group, 60 FROM units, unnest(ARRAY['resident','worker']) g`);
  // One campaign of 2025 that messaged 30% of the people in March (the campaign effect's input).
  const campaign = await pool.query<{ id: string }>(
    `INSERT INTO campaigns (name, year, starts_on, ends_on, audience, rounds, status) VALUES ('Tuần lễ học tập', 2025, '2025-03-01', '2025-03-31', '{}', '[]', 'finished') RETURNING id`,
  );
  await pool.query(
    `INSERT INTO campaign_recipients (campaign_id, round, person_id, status, queued_at)
     SELECT $1, 1, id, 'queued', make_timestamptz(2025, 3, 1, 1, 0, 0) + random() * interval '20 days' FROM people WHERE random() < 0.3`,
    [campaign.rows[0]!.id],
  );
  await pool.query(`VACUUM ANALYZE`);
  }
  const counts = (await pool.query(`SELECT (SELECT count(*) FROM units)::int AS units, (SELECT count(*) FROM people)::int AS people, (SELECT count(*) FROM assessments)::int AS assessments`)).rows[0];
  console.log(`generated ${counts.units} units, ${counts.people} people, ${counts.assessments} assessments in ${(ms(t0) / 1000).toFixed(1)} s`);

  const province: number[] = [];
  for (let i = 0; i < 5; i++) {
    t0 = process.hrtime.bigint();
    const report = await reportFor(pool, null, 2025);
    province.push(ms(t0));
    if (i === 0) console.log(`province report: ${report.length} units, ${report[0]!.confirmed} confirmed of ${report[0]!.members} members`);
  }
  console.log(`province report (5,001 units, 2025): median ${median(province).toFixed(0)} ms, max ${Math.max(...province).toFixed(0)} ms (target < 2,000 ms)`);
  const communeIds = (await pool.query<{ id: string }>(`SELECT id FROM units WHERE kind = 'commune' ORDER BY random() LIMIT 20`)).rows.map((r) => r.id);
  const commune: number[] = [];
  for (const id of communeIds) {
    t0 = process.hrtime.bigint();
    await reportFor(pool, [id], 2025);
    commune.push(ms(t0));
  }
  console.log(`commune report (50 units, ~10,000 people): median ${median(commune).toFixed(1)} ms, max ${Math.max(...commune).toFixed(1)} ms over 20 communes (target < 100 ms)`);

  // The campaign effect (no target set: it is an extra query of the XLSX export and its own report).
  const effect: number[] = [];
  for (let i = 0; i < 3; i++) {
    t0 = process.hrtime.bigint();
    const e = await campaignEffect(pool, null, 2025);
    effect.push(ms(t0));
    if (i === 0) console.log(`campaign effect: ${e.units[0]!.messaged.people} messaged, ${e.units[0]!.notMessaged.people} not, in ${e.units.length} units`);
  }
  const communeEffect: number[] = [];
  for (const id of communeIds) {
    t0 = process.hrtime.bigint();
    await campaignEffect(pool, [id], 2025);
    communeEffect.push(ms(t0));
  }
  console.log(`campaign effect, province: median ${median(effect).toFixed(0)} ms of 3; commune: median ${median(communeEffect).toFixed(1)} ms, max ${Math.max(...communeEffect).toFixed(1)} ms over 20 (no target)`);

  // The XLSX export of the whole province for 2025 through a real server process.
  const server = spawn(process.execPath, ["--import", "tsx", "bench/report-server.ts"], {
    env: { ...process.env, NODE_ENV: "development", LOG_LEVEL: "warn", DATABASE_URL: databaseUrl, ADMIN_TOKEN, WEB_CHAT_SECRET: "bench-web-chat-secret-0123", REDIS_PREFIX: `cdhtbench_${run}` },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.stdout!.on("data", (chunk: Buffer) => {
      const m = /listening (\d+)/.exec(chunk.toString());
      if (m) resolve(Number(m[1]));
    });
    server.on("exit", (code) => reject(new Error(`server exited ${code}`)));
  });
  const status = () => readFileSync(`/proc/${server.pid}/status`, "utf8");
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status())?.[1] ?? 0);
  const rssBefore = kb("VmRSS");
  t0 = process.hrtime.bigint();
  const res = await fetch(`http://127.0.0.1:${port}/api/v1/exports/report.xlsx?year=2025`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  let bytes = 0;
  const reader = res.body!.getReader();
  for (let r = await reader.read(); !r.done; r = await reader.read()) bytes += r.value.length;
  const exportMs = ms(t0);
  const peak = kb("VmHWM");
  const rows = (await pool.query(`SELECT count(*)::int AS n FROM assessments WHERE year = 2025`)).rows[0].n;
  console.log(
    `XLSX export (${rows.toLocaleString("en")} rows, ${(bytes / 1e6).toFixed(0)} MB, HTTP ${res.status}): ${(exportMs / 1000).toFixed(1)} s; ` +
      `server RSS ${(rssBefore / 1024).toFixed(0)} MB before, peak ${(peak / 1024).toFixed(0)} MB (target < 300 MB)`,
  );
  server.kill("SIGTERM");
} finally {
  await pool.end();
  if (!values.keep && generate) await dropDatabase(databaseUrl);
  else console.log(`kept ${databaseUrl}`);
}
