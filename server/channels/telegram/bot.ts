// The grammY Bot: built from configuration with a fixed botInfo (no getMe call) and a configurable
// API root, so that it runs against Telegram, a local Bot API server, or our fake in tests.
import { Api, Bot } from "grammy";
import type { UserFromGetMe } from "grammy/types";
import type { Logger } from "pino";
import type { Config } from "../../config.ts";
import type { InboundInput } from "../../conversation/types.ts";
import type { InboundExtras } from "../../conversation/pipeline.ts";
import { fromUpdate } from "./updates.ts";
import { telegramUpdateProblem } from "./validate.ts";
import type { DroppedInputs } from "../../edge/drops.ts";

export function botInfoFor(token: string, username = "cdht_bot"): UserFromGetMe {
  return {
    id: Number(token.split(":")[0]),
    is_bot: true,
    first_name: "Công dân học tập",
    username,
    can_join_groups: false,
    can_read_all_group_messages: false,
    supports_inline_queries: false,
    can_connect_to_business: false,
    has_main_web_app: false,
    has_topics_enabled: false,
    allows_users_to_create_topics: false,
  } as UserFromGetMe;
}

/**
 * Long polling (TELEGRAM_MODE=polling): Telegram holds an idle getUpdates for this many seconds. The
 * bot's own HTTP client (used only for getUpdates and deleteWebhook) waits longer than that, so an idle
 * poll ends with Telegram's empty answer instead of being cut off by our timeout (which grammY answers
 * with a 3-second pause, delaying the next update by up to that much).
 */
export const POLL_TIMEOUT_SECONDS = 25;
export const POLL_CLIENT_TIMEOUT_SECONDS = POLL_TIMEOUT_SECONDS + 10;
/** Sends (sendMessage, answerCallbackQuery) give up after this; the outbox retries them. */
export const SEND_TIMEOUT_SECONDS = 10;

/** The client the outbox sender uses: short timeouts, apart from the polling client's long ones. */
export function createTelegramApi(config: Config["telegram"]): Api {
  if (!config.token) throw new Error("TELEGRAM_BOT_TOKEN is required for the Telegram channel");
  return new Api(config.token, { apiRoot: config.apiRoot, timeoutSeconds: SEND_TIMEOUT_SECONDS });
}

export function createTelegramBot(
  config: Config["telegram"],
  handle: (input: InboundInput & InboundExtras) => Promise<unknown>,
  logger: Logger,
  drops?: DroppedInputs,
): Bot {
  if (!config.token) throw new Error("TELEGRAM_BOT_TOKEN is required for the Telegram channel");
  const bot = new Bot(config.token, {
    botInfo: botInfoFor(config.token, config.username),
    client: { apiRoot: config.apiRoot, timeoutSeconds: POLL_CLIENT_TIMEOUT_SECONDS },
  });
  bot.use(async (ctx) => {
    // The webhook route checks this before grammY; long polling reaches here directly.
    const problem = telegramUpdateProblem(ctx.update);
    if (problem) {
      drops?.count("telegram", problem.split(":")[0]!);
      logger.warn({ channel: "telegram", reason: problem }, "telegram update dropped: it can never be applied");
      return;
    }
    const inbound = fromUpdate(ctx.update);
    if ("ignored" in inbound) {
      logger.debug({ update: ctx.update.update_id, reason: inbound.ignored }, "telegram update ignored");
      return;
    }
    // Errors propagate: the webhook answers 500 and Telegram delivers the update again.
    await handle({ channel: "telegram", ...inbound });
  });
  return bot;
}
