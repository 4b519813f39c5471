// An app process for admin API tests (no delivery workers) with a known ADMIN_TOKEN, plus helpers that
// put units and officers into this run's database directly.
import { randomBytes } from "node:crypto";
import type pg from "pg";
import { createLogger } from "../../server/logger.ts";
import { createRuntime, type Runtime } from "../../server/runtime.ts";
import { testConfig } from "./env.ts";

export const ADMIN_TOKEN = "test-admin-token-0123456789abcdef";
export const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };

export async function adminRuntime(env: Record<string, string> = {}): Promise<Runtime> {
  const config = testConfig({ ADMIN_TOKEN, REDIS_PREFIX: `${testConfig().redisPrefix}_${randomBytes(3).toString("hex")}`, ...env });
  return createRuntime(config, createLogger(config), { workers: false });
}

/** A prefix that keeps this test file's unit codes apart from other files' in the shared database. */
export const uniquePrefix = () => `T${randomBytes(3).toString("hex").toUpperCase()}`;

export async function insertUnit(pool: pg.Pool, code: string, kind: string, parentCode?: string, memberCount?: number): Promise<string> {
  const { rows } = await pool.query<{ id: string }>(
    `INSERT INTO units (code, name, kind, parent_id, member_count)
     VALUES ($1, $2, $3::unit_kind, (SELECT id FROM units WHERE code = $4), $5) RETURNING id`,
    [code, `Đơn vị ${code}`, kind, parentCode ?? null, memberCount ?? null],
  );
  return rows[0]!.id;
}

/** A person who is an active officer of the given units. */
export async function insertOfficer(pool: pg.Pool, unitCodes: string[]): Promise<string> {
  const { rows } = await pool.query<{ id: string }>(`INSERT INTO people (full_name) VALUES ('Cán bộ') RETURNING id`);
  const personId = rows[0]!.id;
  for (const code of unitCodes) {
    await pool.query(`INSERT INTO officers (person_id, unit_id) SELECT $1, id FROM units WHERE code = $2`, [personId, code]);
  }
  return personId;
}
