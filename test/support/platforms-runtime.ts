// A whole app process with both platforms on fake servers of the test's own: Telegram in webhook mode
// (fake Bot API) and Zalo OA (fake OA and OAuth API, a fresh token pair stored), against this run's
// PostgreSQL and a Redis key prefix of its own – or a Redis the test started itself (env REDIS_URL).
import { randomBytes } from "node:crypto";
import { createLogger } from "../../server/logger.ts";
import { createRuntime, type Runtime, type RuntimeOptions } from "../../server/runtime.ts";
import { testConfig } from "./env.ts";
import { FakeTelegram } from "./fake-telegram.ts";
import { startFakeZalo, type FakeZalo } from "./fake-zalo.ts";
import { SECRET } from "./telegram-citizen.ts";
import { FAST } from "./telegram-runtime.ts";
import { ZALO_APP_ID, ZALO_OA_SECRET } from "./zalo-citizen.ts";

export const ZALO_APP_SECRET = "app-secret-for-tests";

export interface Platforms {
  telegram: FakeTelegram;
  zalo: FakeZalo;
  rt: Runtime;
  /** Stops the runtime, then the fake servers. */
  close(): Promise<void>;
}

export async function platformsRuntime(env: Record<string, string> = {}, options: RuntimeOptions = {}): Promise<Platforms> {
  const telegram = await new FakeTelegram().start();
  const zalo = await startFakeZalo({ appId: ZALO_APP_ID, appSecretKey: ZALO_APP_SECRET });
  const config = testConfig({
    REDIS_PREFIX: `${testConfig().redisPrefix}_${randomBytes(3).toString("hex")}`,
    TELEGRAM_MODE: "webhook",
    TELEGRAM_BOT_TOKEN: telegram.token,
    TELEGRAM_API_ROOT: telegram.apiRoot,
    TELEGRAM_WEBHOOK_SECRET: SECRET,
    ZALO_APP_ID,
    ZALO_OA_SECRET_KEY: ZALO_OA_SECRET,
    ZALO_APP_SECRET_KEY: ZALO_APP_SECRET,
    ZALO_OA_API_BASE: zalo.url,
    ZALO_OAUTH_BASE: zalo.url,
    ZALO_TOKEN_KEY: randomBytes(32).toString("hex"),
    ...env,
  });
  const rt = await createRuntime(config, createLogger(config), { sweepIntervalMs: 500, telegramLimits: FAST, ...options });
  const pair = zalo.issuePair();
  await rt.zalo!.tokens.setTokens(pair.accessToken, pair.refreshToken, 90_000);
  return {
    telegram,
    zalo,
    rt,
    async close() {
      await rt.close();
      await telegram.stop();
      await zalo.close();
    },
  };
}
