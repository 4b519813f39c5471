// Engine messages → Telegram sendMessage calls: HTML with every text escaped, the title in bold,
// inline keyboards, and texts over Telegram's 4096 characters split on line breaks (the keyboard goes
// with the last part).
import type { OutMessage } from "../../../bot/types.ts";

export const TELEGRAM_TEXT_LIMIT = 4096;
/** A photo's caption (sendPhoto). */
export const TELEGRAM_CAPTION_LIMIT = 1024;

export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

export interface TelegramSend {
  text: string;
  parse_mode: "HTML";
  reply_markup?: { inline_keyboard: { text: string; callback_data: string }[][] };
}

/** Splits escaped lines into chunks of at most `limit` characters, cutting over-long lines. */
function chunk(lines: string[], limit: number): string[] {
  const parts: string[] = [];
  let current = "";
  const push = (piece: string) => {
    const joined = current ? `${current}\n${piece}` : piece;
    if (joined.length <= limit) current = joined;
    else {
      if (current) parts.push(current);
      current = piece;
    }
  };
  for (const line of lines) {
    if (line.length <= limit) push(line);
    else {
      // Never cut inside an entity such as &amp;.
      let rest = line;
      while (rest.length > limit) {
        let cut = limit;
        const amp = rest.lastIndexOf("&", cut);
        if (amp > cut - 6 && rest.indexOf(";", amp) >= cut) cut = amp;
        push(rest.slice(0, cut));
        rest = rest.slice(cut);
      }
      push(rest);
    }
  }
  if (current || parts.length === 0) parts.push(current);
  return parts;
}

export function renderTelegram(message: OutMessage, limit = TELEGRAM_TEXT_LIMIT): TelegramSend[] {
  const lines = [
    ...(message.title ? [`<b>${escapeHtml(message.title)}</b>`] : []),
    ...escapeHtml(message.text).split("\n"),
  ];
  const parts = chunk(lines, limit);
  const keyboard = message.buttons?.filter((row) => row.length > 0);
  return parts.map((text, i) => ({
    text,
    parse_mode: "HTML" as const,
    ...(i === parts.length - 1 && keyboard?.length
      ? { reply_markup: { inline_keyboard: keyboard.map((row) => row.map((b) => ({ text: b.label, callback_data: b.data }))) } }
      : {}),
  }));
}
