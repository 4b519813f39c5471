import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inject } from "vitest";
import type pg from "pg";
import { createPool } from "../../server/db/client.ts";
import { readMigrations } from "../../server/db/migrate.ts";
import { diffSchemas, introspectDatabase, parsePrismaSchema } from "../../server/db/schema-drift.ts";

const SCHEMA_FILE = fileURLToPath(new URL("../../prisma/schema.prisma", import.meta.url));
let pool: pg.Pool;

beforeAll(() => {
  pool = createPool({ url: inject("databaseUrl"), max: 2 });
});
afterAll(async () => {
  await pool.end();
});

/** Runs SQL migrations (all, or edited) in a scratch schema and introspects it. */
async function introspectSql(sqls: string[]) {
  const schema = `drift_${randomBytes(4).toString("hex")}`;
  const client = await pool.connect();
  try {
    await client.query(`CREATE SCHEMA ${schema}`);
    await client.query(`SET search_path TO ${schema}, public`);
    for (const sql of sqls) await client.query(sql);
    return await introspectDatabase(client as unknown as pg.Pool, schema);
  } finally {
    await client.query(`DROP SCHEMA ${schema} CASCADE`);
    client.release();
  }
}

describe("schema.prisma and the SQL migrations", () => {
  it("describe the same tables, columns, keys, indexes and enums", async () => {
    const prisma = parsePrismaSchema(await readFile(SCHEMA_FILE, "utf8"));
    const sql = await introspectDatabase(pool);
    expect(prisma.tables.size).toBeGreaterThanOrEqual(8);
    expect(diffSchemas(prisma, sql)).toEqual([]);
  });
});

describe("the drift checker", () => {
  it("notices a column removed from a migration but kept in schema.prisma", async () => {
    const prisma = parsePrismaSchema(await readFile(SCHEMA_FILE, "utf8"));
    const [init, ...later] = await readMigrations();
    const edited = init!.sql.replace(/^\s*"birth_year" INTEGER,\n/m, "");
    expect(edited).not.toBe(init!.sql);
    const diff = diffSchemas(prisma, await introspectSql([edited, ...later.map((m) => m.sql)]));
    expect(diff).toEqual(["column people.birth_year exists only in schema.prisma"]);
  });

  it("notices a type, a nullability, a unique constraint and an index that differ", async () => {
    const prisma = parsePrismaSchema(await readFile(SCHEMA_FILE, "utf8"));
    const [init, ...later] = await readMigrations();
    const edited = init!.sql
      .replace(`"name" TEXT NOT NULL,\n    "kind"`, `"name" VARCHAR(50) NOT NULL,\n    "kind"`)
      .replace(`"area" TEXT,`, `"area" TEXT NOT NULL,`)
      .replace(`CREATE UNIQUE INDEX "outbox_idempotency_key_key"`, `CREATE INDEX "outbox_idempotency_key_key"`)
      .replace(`CREATE INDEX "audit_log_at_idx" ON "audit_log"("at");`, "");
    const diff = diffSchemas(prisma, await introspectSql([edited, ...later.map((m) => m.sql)]));
    expect(diff.sort()).toEqual(
      [
        "column units.name: type text in schema.prisma, character varying(50) in SQL",
        "column units.area: nullable in schema.prisma, NOT NULL in SQL",
        "unique on outbox(idempotency_key) exists only in schema.prisma",
        "index on outbox(idempotency_key) exists only in the SQL migrations",
        "index on audit_log(at) exists only in schema.prisma",
      ].sort(),
    );
  });

  it("notices a model field missing from schema.prisma and an enum value added only in SQL", async () => {
    const text = (await readFile(SCHEMA_FILE, "utf8")).replace(/^\s*phone\s+String\?\n/m, "\n");
    const [init, ...later] = await readMigrations();
    const edited = init!.sql.replace(`'telegram', 'zalo', 'web'`, `'telegram', 'zalo', 'web', 'sms'`);
    const diff = diffSchemas(parsePrismaSchema(text), await introspectSql([edited, ...later.map((m) => m.sql)]));
    expect(diff.sort()).toEqual(
      [
        "column people.phone exists only in the SQL migrations",
        "enum channel: [telegram,zalo,web] in schema.prisma, [telegram,zalo,web,sms] in SQL",
      ].sort(),
    );
  });
});
