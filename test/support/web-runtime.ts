// A whole app process for web chat tests: Fastify with the /chat routes, the inbound pipeline and the
// outbox worker of channel "web", against this run's PostgreSQL and Redis (own key prefix per runtime).
import { randomBytes } from "node:crypto";
import { webChannel, type WebChatOptions } from "../../server/channels/web/index.ts";
import { createLogger } from "../../server/logger.ts";
import { createRuntime, type Runtime } from "../../server/runtime.ts";
import { testConfig } from "./env.ts";

export const WEB_SECRET = "test-web-chat-secret-0123456789";

/** Quick polling so that tests do not wait on the long poll's interval. */
export const FAST_WEB: WebChatOptions = { longPollMs: 2_000 };

export async function webRuntime(web: WebChatOptions = {}, env: Record<string, string> = {}): Promise<Runtime> {
  const config = testConfig({
    WEB_CHAT_SECRET: WEB_SECRET,
    REDIS_PREFIX: `${testConfig().redisPrefix}_${randomBytes(3).toString("hex")}`,
    ...env,
  });
  const channel = webChannel({ ...FAST_WEB, ...web });
  return createRuntime(config, createLogger(config), { senders: [channel.sender], extraRoutes: channel.routes, sweepIntervalMs: 500 });
}
