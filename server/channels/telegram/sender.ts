// Delivers outbox payloads through grammY's Api and classifies failures by cause: Telegram said no
// (GrammyError: 429 → wait retry_after, 403/chat gone → unreachable, other 4xx → never), or the
// network/5xx failed (HttpError, 5xx → back off).
import { Api, GrammyError, HttpError, InputFile } from "grammy";
import { sendInParts } from "../../outbox/parts.ts";
import type { ChannelSender, OutboxPayload, PartsSent, RecipientInfo, SendResult } from "../../outbox/types.ts";
import { renderTelegram, TELEGRAM_CAPTION_LIMIT, type TelegramSend } from "./render.ts";

/** A picture (sendPhoto, uploaded) with the first part as its caption when it fits; then the other parts. */
type Part = TelegramSend | { photo: Buffer; caption?: TelegramSend };

function withPhoto(png: string, parts: TelegramSend[]): Part[] {
  const photo = Buffer.from(png, "base64");
  const [first, ...rest] = parts;
  if (first && rest.length === 0 && first.text.length <= TELEGRAM_CAPTION_LIMIT) return [{ photo, caption: first }];
  return [{ photo }, ...parts];
}

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
    async send(recipient: string, payload: OutboxPayload, _info: RecipientInfo, done?: PartsSent): Promise<SendResult> {
      if (payload.kind === "callback_answer") {
        try {
          await api.answerCallbackQuery(payload.callbackQueryId, payload.text ? { text: payload.text } : {});
          return { ok: true, platformMessageId: "callback" };
        } catch (error) {
          // Too old to answer (Telegram allows a few seconds): nothing the citizen would notice.
          if (error instanceof GrammyError && error.error_code === 400) return { ok: true, platformMessageId: "callback-expired" };
          return classify(error);
        }
      }
      if (payload.message.photo) {
        // Evidence re-sent to an officer: the stored file id (the same bot received it) or an image URL;
        // the text is the caption (Telegram allows 1024 characters).
        const [caption] = renderTelegram(payload.message, TELEGRAM_CAPTION_LIMIT);
        const { text, ...rest } = caption!;
        try {
          return { ok: true, platformMessageId: String((await api.sendPhoto(recipient, payload.message.photo, { caption: text, ...rest })).message_id) };
        } catch (error) {
          return classify(error);
        }
      }
      const image = payload.message.image;
      if (image) {
        return sendInParts(
          withPhoto(image.png, renderTelegram(payload.message)),
          done,
          async (part) => {
            if (!("photo" in part)) {
              const { text, ...rest } = part;
              return String((await api.sendMessage(recipient, text, rest)).message_id);
            }
            const c = part.caption;
            const options = c ? { caption: c.text, parse_mode: c.parse_mode, ...(c.reply_markup ? { reply_markup: c.reply_markup } : {}) } : {};
            return String((await api.sendPhoto(recipient, new InputFile(part.photo, "chart.png"), options)).message_id);
          },
          classify,
        );
      }
      const parts = renderTelegram(payload.message);
      const replaces = Number(payload.message.replaces);
      if (parts.length === 1 && Number.isSafeInteger(replaces) && replaces > 0) {
        // A multi-choice tick: the tapped question is edited in place (editMessageText) instead of sent again.
        const { text, ...rest } = parts[0]!;
        try {
          await api.editMessageText(recipient, replaces, text, rest);
          return { ok: true, platformMessageId: String(replaces) };
        } catch (error) {
          if (error instanceof GrammyError && /not modified/i.test(error.description)) return { ok: true, platformMessageId: String(replaces) };
          // Too old or gone (Telegram edits for 48 hours): send it as a new message instead.
          if (!(error instanceof GrammyError && error.error_code === 400)) return classify(error);
        }
      }
      return sendInParts(
        parts,
        done,
        async ({ text, ...rest }) => String((await api.sendMessage(recipient, text, rest)).message_id),
        classify,
      );
    },
  };
}
