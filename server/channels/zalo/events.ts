// Zalo OA webhook bodies → engine events. Pure. IDs stay strings: Zalo's ids exceed 2^53, so the
// body is read with parseWebhookJson (which quotes any bare integer too long to be exact before
// JSON.parse sees it) and validated with zod string schemas.
//
//   user_send_text      → text; a text starting with BUTTON_PAYLOAD_PREFIX → button (a hidden-query
//                          button tap); commands ("/start", "TRỢ GIÚP") are read by the engine's parser
//   follow              → command start (the user is follower.id)
//   user_click_chatnow  → command start
//   unfollow            → unfollow
//   user_send_image     → attachment image (url of the first attachment)
//   user_send_file      → attachment file (url, name)
//   user_submit_info    → contact (name, phone)
//   anything else       → { ignored: <event name> } (other user_send_* events keep the user id and
//                          time so that the caller can still count them as an interaction)
// Event id: message.msg_id, else `${event_name}:${timestamp}:${user}`.
import { z } from "zod";
import type { ChatEvent } from "../../../bot/types.ts";
import { BUTTON_PAYLOAD_PREFIX } from "./render.ts";

export interface ZaloInbound {
  eventId: string;
  /** The citizen's id for this OA (sender.id, follower.id or user_id). */
  userId: string;
  at: Date;
  event: ChatEvent;
  /** The citizen's message id (msg_id), which replies name so that Zalo bills them as replies. */
  replyTo?: string;
}

export interface ZaloIgnored {
  ignored: string;
  /** Set for user-initiated events we do not handle (stickers, locations …). */
  userId?: string;
  at?: Date;
}

const id = z.string().min(1).max(64);
const attachment = z.object({
  type: z.string().optional(),
  payload: z
    .object({ url: z.string().optional(), name: z.string().optional(), thumbnail: z.string().optional() })
    .loose()
    .optional(),
});
const envelope = z
  .object({
    event_name: z.string().min(1),
    app_id: z.string().optional(),
    oa_id: z.string().optional(),
    timestamp: z.union([z.string(), z.number()]).optional(),
    sender: z.object({ id }).loose().optional(),
    recipient: z.object({ id }).loose().optional(),
    follower: z.object({ id }).loose().optional(),
    user_id: id.optional(),
    message: z
      .object({
        msg_id: z.string().optional(),
        text: z.string().optional(),
        attachments: z.array(attachment).optional(),
      })
      .loose()
      .optional(),
    info: z.object({ name: z.string().optional(), phone: z.string().optional() }).loose().optional(),
  })
  .loose();

type Envelope = z.infer<typeof envelope>;

export function textEvent(text: string): ChatEvent {
  if (text.startsWith(BUTTON_PAYLOAD_PREFIX)) return { type: "button", data: text.slice(BUTTON_PAYLOAD_PREFIX.length) };
  return { type: "text", text };
}

function eventTime(timestamp: Envelope["timestamp"], now: Date): Date {
  const ms = Number(timestamp);
  return timestamp !== undefined && Number.isFinite(ms) && ms > 0 ? new Date(ms) : now;
}

/** Turns a webhook body (already JSON-parsed, ids as strings) into an engine event, or says why not. */
export function parseZaloEvent(body: unknown, now: Date = new Date()): ZaloInbound | ZaloIgnored {
  const parsed = envelope.safeParse(body);
  if (!parsed.success) {
    const name = (body as { event_name?: unknown } | null)?.event_name;
    return { ignored: `malformed ${typeof name === "string" ? name : "event"}: ${parsed.error.issues[0]?.message ?? "invalid"}` };
  }
  const e = parsed.data;
  const name = e.event_name;
  const at = eventTime(e.timestamp, now);
  const userId = name === "follow" || name === "unfollow" ? e.follower?.id : (e.sender?.id ?? e.user_id);
  const make = (event: ChatEvent): ZaloInbound | ZaloIgnored => {
    if (!userId) return { ignored: `${name} without a user id` };
    const eventId = e.message?.msg_id || `${name}:${String(e.timestamp ?? at.getTime())}:${userId}`;
    const msgId = e.message?.msg_id;
    return { eventId, userId, at, event, ...(msgId ? { replyTo: msgId } : {}) };
  };
  const first = e.message?.attachments?.find((a) => a.payload?.url)?.payload;
  switch (name) {
    case "user_send_text":
      return make(textEvent(e.message?.text ?? ""));
    case "follow":
    case "user_click_chatnow":
      return make({ type: "command", name: "start" });
    case "unfollow":
      return make({ type: "unfollow" });
    case "user_send_image":
      if (!first?.url) return { ignored: `${name} without a url` };
      return make({ type: "attachment", kind: "image", ref: first.url });
    case "user_send_file":
      if (!first?.url) return { ignored: `${name} without a url` };
      return make({ type: "attachment", kind: "file", ref: first.url, ...(first.name ? { name: first.name } : {}) });
    case "user_submit_info": {
      const name = e.info?.name?.trim();
      const phone = e.info?.phone?.trim();
      return make({ type: "contact", ...(name ? { name } : {}), ...(phone ? { phone } : {}) });
    }
    default:
      if (name.startsWith("user_send_") && userId) return { ignored: name, userId, at };
      return { ignored: name };
  }
}

/**
 * Quotes every bare integer literal of 16 or more digits outside strings, so that JSON.parse cannot
 * round an id that a sender forgot to quote. Everything else is left byte for byte.
 */
export function quoteBigIntegers(json: string): string {
  let out = "";
  let last = 0;
  let inString = false;
  for (let i = 0; i < json.length; i++) {
    const c = json[i]!;
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') {
      inString = true;
      continue;
    }
    if ((c >= "0" && c <= "9") || c === "-") {
      let j = i + 1;
      while (j < json.length && /[0-9.eE+-]/.test(json[j]!)) j++;
      const token = json.slice(i, j);
      if (/^-?\d{16,}$/.test(token)) {
        out += `${json.slice(last, i)}"${token}"`;
        last = j;
      }
      i = j - 1;
    }
  }
  return out + json.slice(last);
}

export type JsonResult = { ok: true; value: unknown } | { ok: false; error: string };

/** Parses a webhook body without ever turning a long id into an inexact number. */
export function parseWebhookJson(raw: Buffer | string): JsonResult {
  try {
    const text = typeof raw === "string" ? raw : raw.toString("utf8");
    return { ok: true, value: JSON.parse(quoteBigIntegers(text)) };
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  }
}
