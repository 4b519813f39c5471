// bench/review: officer review against 10,000 pending submissions over 100 units (in a database of its
// own, removed at the end). Prints p50/p99 of:
//   - opening a queue page (the page and its counts) for a unit's officer (~100 pending in scope) and for
//     a lead of the parent unit (all 10,000 in scope), first pages and pages deep in the queue;
//   - a decision, store part: BEGIN → decide() (look-up, conditional UPDATE, decision row, audit row) →
//     the citizen's notice written to the outbox → COMMIT, by several officers at once.
// Run: npm run bench:review [-- --units 100 --per-unit 100 --decisions 2000 --concurrency 4 --pages 1000]
// (--keep leaves the database for EXPLAIN.)
import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import { loadConfig } from "../server/config.ts";
import { createPool } from "../server/db/client.ts";
import { dropDatabase, ensureDatabase } from "../server/db/ensure-database.ts";
import { migrate, readMigrations } from "../server/db/migrate.ts";
import { insertOutbox } from "../server/outbox/store.ts";
import { decide } from "../server/review/decide.ts";
import { queueCounts, queuePage, type QueueCursor } from "../server/review/queue.ts";

const { values } = parseArgs({
  options: {
    units: { type: "string", default: "100" },
    "per-unit": { type: "string", default: "100" },
    decisions: { type: "string", default: "2000" },
    concurrency: { type: "string", default: "4" },
    pages: { type: "string", default: "1000" },
    keep: { type: "boolean", default: false },
  },
});
const UNITS = Number(values.units);
const PER_UNIT = Number(values["per-unit"]);
const DECISIONS = Number(values.decisions);
const CONCURRENCY = Number(values.concurrency);
const PAGES = Number(values.pages);
const PG_ROOT = process.env.BENCH_PG_ROOT_URL ?? "postgresql://postgres@127.0.0.1:5432";
const databaseUrl = `${PG_ROOT}/cdht_bench_review_${randomBytes(4).toString("hex")}`;

const loaded = loadConfig({ DATABASE_URL: databaseUrl });
if (!loaded.ok) throw new Error(loaded.problems.join("\n"));
const settings = loaded.config.review;

function summary(name: string, ms: number[]): string {
  const s = [...ms].sort((a, b) => a - b);
  const at = (p: number) => s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!.toFixed(2);
  return `${name}: n=${s.length} p50 ${at(50)} ms, p99 ${at(99)} ms, max ${s[s.length - 1]!.toFixed(2)} ms`;
}

async function seed(pool: ReturnType<typeof createPool>) {
  // One parent commune with a lead; UNITS villages under it, each with two officers and PER_UNIT citizens
  // who submitted over the last 20 days.
  await pool.query(`
    INSERT INTO units (code, name, kind) VALUES ('BENCH-XA', 'Xã Đo Lường', 'commune');
    INSERT INTO units (code, name, kind, parent_id)
      SELECT 'BENCH-T' || i, 'Thôn ' || i, 'village', (SELECT id FROM units WHERE code = 'BENCH-XA') FROM generate_series(1, ${UNITS}) i;
    INSERT INTO people (full_name, birth_year, consent_version, consent_at)
      SELECT 'Cán bộ ' || u.code || '-' || k, 1975, 'v1', now() FROM units u, generate_series(1, 2) k WHERE u.code LIKE 'BENCH-T%';
    INSERT INTO officers (person_id, unit_id, role)
      SELECT p.id, u.id, 'officer' FROM people p JOIN units u ON p.full_name LIKE 'Cán bộ ' || u.code || '-%';
    INSERT INTO people (full_name, birth_year, consent_version, consent_at) VALUES ('Trưởng ban', 1970, 'v1', now());
    INSERT INTO officers (person_id, unit_id, role)
      SELECT p.id, u.id, 'lead' FROM people p, units u WHERE p.full_name = 'Trưởng ban' AND u.code = 'BENCH-XA';
    CREATE TEMP TABLE citizens AS
      SELECT gen_random_uuid() AS id, u.id AS unit_id, i FROM units u, generate_series(1, ${PER_UNIT}) i WHERE u.code LIKE 'BENCH-T%';
    INSERT INTO people (id, full_name, birth_year, unit_id, consent_version, consent_at)
      SELECT id, 'Công dân ' || i, 1960 + i % 40, unit_id, 'v1', now() FROM citizens;
    INSERT INTO assessments (person_id, unit_id, target_group, set_id, set_version, year, status, answers, evidence, total, verdict, submitted_at)
      SELECT id, unit_id, 'resident', 'cdht-resident', '1', 2026, 'submitted', '{"q1": 3, "q2": 7}', '{}', 60 + i % 40,
             CASE WHEN i % 3 = 0 THEN 'chua_dat' ELSE 'dat' END, now() - (random() * interval '20 days')
        FROM citizens;`);
  // What autovacuum does after a bulk of inserts (statistics and the visibility map for index-only scans).
  await pool.query(`VACUUM ANALYZE`);
  const { rows: officers } = await pool.query<{ person_id: string }>(
    `SELECT o.person_id FROM officers o JOIN units u ON u.id = o.unit_id WHERE u.code LIKE 'BENCH-T%' AND o.role = 'officer' ORDER BY u.code, o.person_id`,
  );
  const { rows: lead } = await pool.query<{ person_id: string }>(`SELECT person_id FROM officers WHERE role = 'lead'`);
  return { officers: officers.map((o) => o.person_id), lead: lead[0]!.person_id };
}

async function timeQueue(pool: ReturnType<typeof createPool>, people: string[], deep: boolean): Promise<number[]> {
  const ms: number[] = [];
  const now = new Date();
  for (let i = 0; i < PAGES; i++) {
    const personId = people[i % people.length]!;
    let after: QueueCursor | undefined;
    if (deep) {
      // A cursor some way into the queue, as an officer paging on would hold.
      const { rows } = await pool.query(
        `SELECT a.submitted_at, a.id FROM assessments a JOIN officers o ON o.unit_id = a.unit_id OR o.role = 'lead'
          WHERE o.person_id = $1 AND a.status = 'submitted' ORDER BY a.submitted_at, a.id OFFSET $2 LIMIT 1`,
        [personId, 40 + (i % 40)],
      );
      if (rows[0]) after = { submittedAt: rows[0].submitted_at, assessmentId: rows[0].id };
    }
    const t = performance.now();
    await Promise.all([queuePage(pool, { personId, now, after }, settings), queueCounts(pool, { personId, now }, settings)]);
    ms.push(performance.now() - t);
  }
  return ms;
}

async function timeDecisions(pool: ReturnType<typeof createPool>, officers: string[]): Promise<{ ms: number[]; refused: number }> {
  const { rows } = await pool.query<{ id: string; unit_id: string; person_id: string }>(
    `SELECT id, unit_id, person_id FROM assessments WHERE status = 'submitted' ORDER BY random() LIMIT $1`,
    [DECISIONS],
  );
  const officerOf = new Map<string, string>();
  const { rows: o } = await pool.query(`SELECT unit_id, person_id FROM officers WHERE role = 'officer'`);
  for (const r of o) officerOf.set(r.unit_id, r.person_id);
  void officers;
  const ms: number[] = [];
  let refused = 0;
  let next = 0;
  const kinds = ["confirmed", "rejected", "needs_more"] as const;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < rows.length) {
        const a = rows[next++]!;
        const decision = kinds[next % 3]!;
        const t = performance.now();
        const client = await pool.connect();
        try {
          await client.query("BEGIN");
          const r = await decide(client, {
            assessmentId: a.id, personId: officerOf.get(a.unit_id)!, decision, channel: "telegram", now: new Date(),
            ...(decision === "confirmed" ? {} : { reasonCode: "missing_evidence", reason: "Thiếu minh chứng" }),
          }, settings);
          if (r.ok) {
            await insertOutbox(client, [{
              channel: "telegram", recipient: `citizen-${a.person_id}`, idempotencyKey: `decision:${r.value.decisionId}`,
              payload: { kind: "message", message: { text: `Kết quả: ${decision}` } },
            }]);
          } else refused++;
          await client.query("COMMIT");
        } catch (error) {
          await client.query("ROLLBACK");
          throw error;
        } finally {
          client.release();
        }
        ms.push(performance.now() - t);
      }
    }),
  );
  return { ms, refused };
}

async function main() {
  await ensureDatabase(databaseUrl);
  const pool = createPool({ url: databaseUrl, max: CONCURRENCY + 2 });
  try {
    await migrate(pool, await readMigrations());
    const started = performance.now();
    const { officers, lead } = await seed(pool);
    const { rows } = await pool.query(`SELECT count(*)::int AS n FROM assessments WHERE status = 'submitted'`);
    console.log(`seeded ${rows[0].n} pending submissions over ${UNITS} units in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    await timeQueue(pool, officers, false); // warm-up
    console.log(summary("queue page + counts, unit officer (≈100 in scope), first page", await timeQueue(pool, officers, false)));
    console.log(summary("queue page + counts, unit officer, page after 40–80", await timeQueue(pool, officers, true)));
    console.log(summary(`queue page + counts, lead of the parent (${rows[0].n} in scope), first page`, await timeQueue(pool, [lead], false)));
    console.log(summary("queue page + counts, lead of the parent, page after 40–80", await timeQueue(pool, [lead], true)));
    const d = await timeDecisions(pool, officers);
    console.log(summary(`decision (store part: decide + audit + citizen's notice in the outbox, commit), ${CONCURRENCY} officers at once`, d.ms));
    if (d.refused > 0) console.log(`  (${d.refused} refused)`);
  } finally {
    await pool.end();
    if (values.keep) console.log(`kept ${databaseUrl}`);
    else await dropDatabase(databaseUrl);
  }
}

await main();
