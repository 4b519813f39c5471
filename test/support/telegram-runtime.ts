// A whole app process in the test: Fastify with the Telegram webhook, the inbound pipeline, outbox
// workers delivering to a fake Bot API, against this run's PostgreSQL and Redis.
import { randomBytes } from "node:crypto";
import type pg from "pg";
import { createLogger } from "../../server/logger.ts";
import { createRuntime, type Runtime, type RuntimeOptions } from "../../server/runtime.ts";
import { testConfig } from "./env.ts";
import { FakeTelegram } from "./fake-telegram.ts";
import { SECRET } from "./telegram-citizen.ts";

/** Tests that are not about pacing run without Telegram's per-chat spacing, to stay quick. */
export const FAST = { globalPerSecond: 1000, perRecipientIntervalMs: 0 };

export async function telegramRuntime(fake: FakeTelegram, options: RuntimeOptions = {}, prefix?: string): Promise<Runtime> {
  const config = testConfig({
    TELEGRAM_MODE: "webhook",
    TELEGRAM_BOT_TOKEN: fake.token,
    TELEGRAM_API_ROOT: fake.apiRoot,
    TELEGRAM_WEBHOOK_SECRET: SECRET,
    // Each runtime gets its own queue namespace unless a test shares one on purpose (restarts).
    REDIS_PREFIX: prefix ?? `${testConfig().redisPrefix}_${randomBytes(3).toString("hex")}`,
  });
  return createRuntime(config, createLogger(config), { sweepIntervalMs: 500, telegramLimits: FAST, ...options });
}

export async function addUnit(pool: pg.Pool, name = "Phường Thử Nghiệm"): Promise<{ id: string; code: string }> {
  const code = `T${randomBytes(4).toString("hex").toUpperCase()}`;
  const { rows } = await pool.query(`INSERT INTO units (code, name, kind) VALUES ($1, $2, 'commune') RETURNING id, code`, [code, name]);
  return rows[0];
}
