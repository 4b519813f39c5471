import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inject } from "vitest";
import type pg from "pg";
import { createPool } from "../../server/db/client.ts";
import { dropDatabase, ensureDatabase } from "../../server/db/ensure-database.ts";
import { migrate, MigrationError, readMigrations } from "../../server/db/migrate.ts";

let url: string;
let pool: pg.Pool;

beforeAll(async () => {
  url = `${inject("databaseUrl")}_m${randomBytes(3).toString("hex")}`;
  await ensureDatabase(url);
  pool = createPool({ url, max: 3 });
});
afterAll(async () => {
  await pool.end();
  await dropDatabase(url);
});

describe("migrate", () => {
  it("applies every migration once, records it like Prisma, and refuses an edited one", async () => {
    const migrations = await readMigrations();
    const [first, second] = await Promise.all([migrate(pool, migrations), migrate(pool, migrations)]);
    expect([...first, ...second]).toEqual(migrations.map((m) => m.name));
    expect(await migrate(pool, migrations)).toEqual([]);

    const { rows } = await pool.query(
      `SELECT migration_name, checksum, finished_at IS NOT NULL AS done FROM "_prisma_migrations" ORDER BY migration_name`,
    );
    expect(rows).toEqual(migrations.map((m) => ({ migration_name: m.name, checksum: m.checksum, done: true })));

    const edited = migrations.map((m, i) => (i === 0 ? { ...m, checksum: "0".repeat(64) } : m));
    await expect(migrate(pool, edited)).rejects.toBeInstanceOf(MigrationError);
  });

  it("enforces one open assessment per person and year", async () => {
    const { rows } = await pool.query(`INSERT INTO people DEFAULT VALUES RETURNING id`);
    const person = rows[0].id;
    const insert = (status: string) =>
      pool.query(
        `INSERT INTO assessments (person_id, target_group, set_id, set_version, year, status)
         VALUES ($1, 'worker', 'cdht-worker', '1', 2026, $2)`,
        [person, status],
      );
    await insert("withdrawn");
    await insert("in_progress");
    await expect(insert("submitted")).rejects.toThrow(/assessments_one_open_per_person_year/);
    await insert("rejected");
  });
});
