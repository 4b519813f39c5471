// Telegram updates → engine events. Pure: private chats only; anything else is ignored with a reason.
import type { Update } from "grammy/types";
import type { ChatEvent } from "../../../bot/types.ts";
import type { OutboxPayload } from "../../outbox/types.ts";

export interface TelegramInbound {
  externalUserId: string;
  eventId: string;
  at: Date;
  event: ChatEvent;
  ack?: OutboxPayload;
}

export function fromUpdate(update: Update): TelegramInbound | { ignored: string } {
  const eventId = String(update.update_id);
  if (update.message) {
    const msg = update.message;
    if (msg.chat.type !== "private") return { ignored: `chat type ${msg.chat.type}` };
    const base = { externalUserId: String(msg.chat.id), eventId, at: new Date(msg.date * 1000) };
    // Commands ("/status", "TRẠNG THÁI") are read by the engine's one parser, as on every channel.
    if (typeof msg.text === "string") return { ...base, event: { type: "text", text: msg.text } };
    if (msg.photo && msg.photo.length > 0) {
      const largest = msg.photo[msg.photo.length - 1]!;
      return { ...base, event: { type: "attachment", kind: "image", ref: largest.file_id } };
    }
    if (msg.document) {
      const name = msg.document.file_name;
      return { ...base, event: { type: "attachment", kind: "file", ref: msg.document.file_id, ...(name ? { name } : {}) } };
    }
    if (msg.contact) {
      const name = [msg.contact.first_name, msg.contact.last_name].filter(Boolean).join(" ");
      return { ...base, event: { type: "contact", name, phone: msg.contact.phone_number } };
    }
    return { ...base, event: { type: "text", text: "" } };
  }
  if (update.callback_query) {
    const q = update.callback_query;
    const chat = q.message?.chat;
    if (chat && chat.type !== "private") return { ignored: `callback in ${chat.type}` };
    return {
      externalUserId: String(chat?.id ?? q.from.id),
      eventId,
      at: new Date(),
      event: { type: "button", data: q.data ?? "" },
      ack: { kind: "callback_answer", callbackQueryId: q.id },
    };
  }
  if (update.my_chat_member) {
    const m = update.my_chat_member;
    if (m.chat.type !== "private") return { ignored: "group membership" };
    const status = m.new_chat_member.status;
    if (status === "kicked" || status === "left") {
      return { externalUserId: String(m.chat.id), eventId, at: new Date(m.date * 1000), event: { type: "unfollow" } };
    }
    return { ignored: `my_chat_member ${status}` };
  }
  return { ignored: "update type" };
}
