// A database of one test file's own, migrated, for tests whose changes would reach other files through the
// run's shared database (publishing the current criteria set is seen by every process on that database).
import { randomBytes } from "node:crypto";
import type pg from "pg";
import { inject } from "vitest";
import { createPool } from "../../server/db/client.ts";
import { migrate, readMigrations } from "../../server/db/migrate.ts";

export interface OwnDatabase {
  url: string;
  pool: pg.Pool;
  drop(): Promise<void>;
}

export async function ownDatabase(tag: string): Promise<OwnDatabase> {
  const shared = new URL(inject("databaseUrl"));
  const name = `${shared.pathname.slice(1)}_${tag}_${randomBytes(4).toString("hex")}`;
  const admin = createPool({ url: shared.toString(), max: 1 });
  await admin.query(`CREATE DATABASE "${name}"`);
  const url = new URL(shared);
  url.pathname = `/${name}`;
  const pool = createPool({ url: url.toString(), max: 4 });
  await migrate(pool, await readMigrations());
  return {
    url: url.toString(),
    pool,
    async drop() {
      await pool.end();
      await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.end();
    },
  };
}
