// Delivers outbox payloads through grammY's Api and classifies failures by cause: Telegram said no
// (GrammyError: 429 → wait retry_after, 403/chat gone → unreachable, other 4xx → never), or the
// network/5xx failed (HttpError, 5xx → back off).
import { Api, GrammyError, HttpError } from "grammy";
import type { ChannelSender, OutboxPayload, SendResult } from "../../outbox/types.ts";
import { renderTelegram } from "./render.ts";

export function classify(error: unknown): SendResult {
  if (error instanceof GrammyError) {
    const code = error.error_code;
    const reason = `telegram ${code}: ${error.description}`;
    if (code === 429) {
      const seconds = error.parameters?.retry_after ?? 5;
      return { ok: false, retry: "after", delayMs: seconds * 1000, scope: "channel", reason };
    }
    if (code >= 500) return { ok: false, retry: "backoff", reason };
    if (code === 403 || /chat not found|user is deactivated/i.test(error.description)) {
      return { ok: false, retry: "never", reason, unreachable: true };
    }
    return { ok: false, retry: "never", reason };
  }
  if (error instanceof HttpError) return { ok: false, retry: "backoff", reason: `network: ${error.message}` };
  return { ok: false, retry: "backoff", reason: `unexpected: ${(error as Error)?.message ?? String(error)}` };
}

export const TELEGRAM_LIMITS = { globalPerSecond: 30, perRecipientIntervalMs: 1_000 };

export function createTelegramSender(api: Api, limits = TELEGRAM_LIMITS): ChannelSender {
  return {
    channel: "telegram",
    ...limits,
    async send(recipient: string, payload: OutboxPayload): Promise<SendResult> {
      try {
        if (payload.kind === "callback_answer") {
          await api.answerCallbackQuery(payload.callbackQueryId, payload.text ? { text: payload.text } : {});
          return { ok: true, platformMessageId: "callback" };
        }
        let id = "";
        for (const part of renderTelegram(payload.message)) {
          const { text, ...rest } = part;
          const sent = await api.sendMessage(recipient, text, rest);
          id = String(sent.message_id);
        }
        return { ok: true, platformMessageId: id };
      } catch (error) {
        if (payload.kind === "callback_answer" && error instanceof GrammyError && error.error_code === 400) {
          // Too old to answer (Telegram allows a few seconds): nothing the citizen would notice.
          return { ok: true, platformMessageId: "callback-expired" };
        }
        return classify(error);
      }
    },
  };
}
