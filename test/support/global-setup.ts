// One database and one Redis key prefix per test run, migrated at the start and removed at the end,
// so that runs never see each other's data and CI can run twice on the same machine.
import { randomBytes } from "node:crypto";
import type { TestProject } from "vitest/node";
import { createPool } from "../../server/db/client.ts";
import { dropDatabase, ensureDatabase } from "../../server/db/ensure-database.ts";
import { migrate, readMigrations } from "../../server/db/migrate.ts";
import { createRedis } from "../../server/redis.ts";

const PG_ROOT = process.env.TEST_PG_ROOT_URL ?? "postgresql://postgres@127.0.0.1:5432";
const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
    redisUrl: string;
    redisPrefix: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const runId = `${Date.now().toString(36)}_${randomBytes(4).toString("hex")}`;
  const databaseUrl = `${PG_ROOT}/cdht_test_${runId}`;
  const redisPrefix = `cdhttest_${runId}`;
  await ensureDatabase(databaseUrl);
  const pool = createPool({ url: databaseUrl, max: 1 });
  try {
    await migrate(pool, await readMigrations());
  } finally {
    await pool.end();
  }
  project.provide("databaseUrl", databaseUrl);
  project.provide("redisUrl", REDIS_URL);
  project.provide("redisPrefix", redisPrefix);

  return async () => {
    await dropDatabase(databaseUrl);
    const redis = createRedis(REDIS_URL);
    try {
      let cursor = "0";
      do {
        const [next, keys] = await redis.scan(cursor, "MATCH", `${redisPrefix}*`, "COUNT", 1000);
        cursor = next;
        if (keys.length) await redis.del(...keys);
      } while (cursor !== "0");
    } finally {
      redis.disconnect();
    }
  };
}
