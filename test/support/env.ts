// What a test needs to reach this run's database and Redis prefix.
import { inject } from "vitest";
import { loadConfig, type Config } from "../../server/config.ts";

export function testEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    NODE_ENV: "test",
    LOG_LEVEL: "silent",
    DATABASE_URL: inject("databaseUrl"),
    REDIS_URL: inject("redisUrl"),
    REDIS_PREFIX: inject("redisPrefix"),
    PORT: "0",
    ...extra,
  };
}

export function testConfig(extra: Record<string, string> = {}): Config {
  const loaded = loadConfig(testEnv(extra));
  if (!loaded.ok) throw new Error(loaded.problems.join("\n"));
  return loaded.config;
}
