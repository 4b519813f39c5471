// POST /webhooks/telegram: grammY's fastify adapter checks X-Telegram-Bot-Api-Secret-Token in constant
// time (401 without it) and answers 200 only after the update is committed with its replies. Before
// that, an update with the right secret whose body can never be applied (not an object, fields we use
// missing or mistyped, text PostgreSQL cannot store) is answered 200 and dropped, logged and counted,
// so that Telegram stops delivering it again; unparsable JSON likewise.
import { timingSafeEqual } from "node:crypto";
import { webhookCallback, type Bot } from "grammy";
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Logger } from "pino";
import type { DroppedInputs } from "../../edge/drops.ts";
import { telegramUpdateProblem } from "./validate.ts";

const SECRET_HEADER = "x-telegram-bot-api-secret-token";

export function telegramWebhookRoutes(bot: Bot, secretToken: string, deps: { logger: Logger; drops: DroppedInputs }) {
  const handler = webhookCallback(bot, "fastify", { secretToken, onTimeout: "throw", timeoutMilliseconds: 9_000 });
  const expected = Buffer.from(secretToken);
  const authentic = (request: FastifyRequest) => {
    const header = request.headers[SECRET_HEADER];
    const given = Buffer.from(typeof header === "string" ? header : "");
    return given.length === expected.length && timingSafeEqual(given, expected);
  };
  const drop = (reply: FastifyReply, reason: string) => {
    deps.drops.count("telegram", reason.split(":")[0]!);
    deps.logger.warn({ channel: "telegram", reason }, "telegram update dropped: it can never be applied");
    return reply.code(200).send({ ok: true, dropped: true });
  };
  return async (app: FastifyInstance) => {
    await app.register(async (scope) => {
      scope.setErrorHandler((error: FastifyError, request, reply) => {
        if (authentic(request) && (error.code === "FST_ERR_CTP_INVALID_JSON_BODY" || error.code === "FST_ERR_CTP_EMPTY_JSON_BODY")) {
          return drop(reply, "body: not JSON");
        }
        throw error;
      });
      scope.post("/webhooks/telegram", {
        preHandler: async (request, reply) => {
          if (!authentic(request)) return; // grammY answers 401
          const problem = telegramUpdateProblem(request.body);
          if (problem) return drop(reply, problem);
        },
      }, handler);
    });
  };
}
