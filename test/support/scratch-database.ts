// A database of its own for a test file that runs our processes (the admin CLI) against it: created and
// migrated before the file's tests, dropped after them. Prisma names the public schema in its queries,
// so a schema of its own would not isolate: it has to be a database.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, inject } from "vitest";
import type pg from "pg";
import { createPool } from "../../server/db/client.ts";
import { migrate, readMigrations } from "../../server/db/migrate.ts";
import { testEnv } from "./env.ts";
import { runEntry } from "./processes.ts";

export interface ScratchDatabase {
  /** A pool on the scratch database, for the test's own reads and seeds. */
  readonly pool: pg.Pool;
  /** The environment a process of ours gets to use the scratch database. */
  readonly env: Record<string, string>;
  /** Runs `npm run admin -- <args>` as a real process against the scratch database. */
  adminCli(args: string[], extra?: Record<string, string>): Promise<{ code: number | null; output: string }>;
}

/**
 * Registers the file's beforeAll/afterAll and returns the database's handles (usable inside tests).
 * `seed` runs once after the migrations.
 */
export function useScratchDatabase(
  tag: string,
  extraEnv: Record<string, string> = {},
  seed?: (pool: pg.Pool) => Promise<unknown>,
): ScratchDatabase {
  const dbName = `${new URL(inject("databaseUrl")).pathname.slice(1)}_${tag}_${randomBytes(4).toString("hex")}`;
  let admin: pg.Pool | undefined;
  let pool: pg.Pool | undefined;
  let env: Record<string, string> | undefined;
  const ready = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error(`scratch database ${dbName} is used outside its tests`);
    return value;
  };

  beforeAll(async () => {
    admin = createPool({ url: inject("databaseUrl"), max: 1 });
    await admin.query(`CREATE DATABASE "${dbName}"`);
    const url = new URL(inject("databaseUrl"));
    url.pathname = `/${dbName}`;
    env = testEnv({ DATABASE_URL: url.toString(), ...extraEnv });
    pool = createPool({ url: url.toString(), max: 2 });
    await migrate(pool, await readMigrations());
    await seed?.(pool);
  }, 60_000);
  afterAll(async () => {
    await pool?.end();
    await admin?.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
    await admin?.end();
  });

  return {
    get pool() {
      return ready(pool);
    },
    get env() {
      return ready(env);
    },
    async adminCli(args, extra = {}) {
      const proc = runEntry("server/admin/cli.ts", { ...ready(env), ...extra }, args);
      const { code } = await proc.exited;
      return { code, output: proc.output() };
    },
  };
}
