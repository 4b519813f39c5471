// POST /webhooks/telegram: grammY's fastify adapter checks X-Telegram-Bot-Api-Secret-Token in constant
// time (401 without it) and answers 200 only after the update is committed with its replies.
import { webhookCallback, type Bot } from "grammy";
import type { FastifyInstance } from "fastify";

export function telegramWebhookRoutes(bot: Bot, secretToken: string) {
  const handler = webhookCallback(bot, "fastify", { secretToken, onTimeout: "throw", timeoutMilliseconds: 9_000 });
  return async (app: FastifyInstance) => {
    app.post("/webhooks/telegram", handler);
  };
}
