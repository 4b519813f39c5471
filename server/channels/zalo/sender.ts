// Delivers outbox payloads to Zalo OA users and classifies every outcome for the delivery worker.
//
//   no last interaction, or older than 7 days,
//   or -230/-232 (the window closed)         → the window state, not unreachable: the row waits (after
//                                              WINDOW_RECHECK_MS, or at once when the citizen writes
//                                              again – the worker asks windowOpen()); after 45 days
//                                              without interaction → never
//   ZALO_PROMOTION_TEMPLATE set, outside the window, a bulk (campaign) row → a ZBS promotion template
//                                              message (paid, to followers), at most one per user per
//                                              day (PromotionQuota): a second one that day waits for
//                                              06:00 of the next
//   ZALO_WINDOW_TEMPLATE set, outside the window, a notice or bulk row, interaction within a year
//                                            → a ZBS transaction template message (paid) instead
//   a reply (row.replyTo)                    → names the citizen's message (recipient.message_id): a
//                                              free reply; when Zalo says that message is too old
//                                              (-232) it goes once more as a proactive message
//   -216/-220 (token)                        → refresh the pair (once across processes), send again once
//   -213/-227/-244 (unfollowed, inactive 45 days, blocked) → never + unreachable, reason = the code
//   -32 (rate limit)                         → after 60 s, whole channel
//   -234 (night ban)                         → after the delay until 06:00 Asia/Ho_Chi_Minh, recipient
//   network, timeout, non-200                → backoff
//   no token pair / refresh refused          → after 5 min, whole channel (an operator must act; the
//                                              token store's readiness check says what to do)
//   anything else (-201, -211, unknown)      → never
// A text longer than Zalo's limit goes out in several parts (server/outbox/parts.ts); the result carries
// the message id of the last one, and a retry resumes after the parts already delivered.
import { sendInParts } from "../../outbox/parts.ts";
import type { ChannelSender, OutboxPayload, PartsSent, RecipientInfo, RowContext, SendResult } from "../../outbox/types.ts";
import { ZaloApiError, ZaloNetworkError, type ZaloClient } from "./client.ts";
import { combineMessages, mediaAttachment, renderTransaction, renderZalo, type ZaloMessageBody, type ZaloSendBody, type ZaloTransactionBody } from "./render.ts";

/** A part to send: a message body, or a picture to upload and send with the text (a media message). */
type Part = ZaloMessageBody | { image: Buffer; text: string };

/** The picture first, with the text when it is one part without buttons; else the picture alone, then the text. */
function withImage(png: string, parts: ZaloMessageBody[]): Part[] {
  const image = Buffer.from(png, "base64");
  const [first, ...rest] = parts;
  if (first && rest.length === 0 && !first.attachment) return [{ image, text: first.text }];
  return [{ image, text: "" }, ...parts];
}
import { nextPromotionDayMs, type PromotionQuota } from "./promotion-quota.ts";
import { ZaloTokenError, type ZaloTokenSource } from "./tokens.ts";
import { dateParts, dateTimeFormat } from "../../../bot/intl.ts";

export const ZALO_WINDOW_MS = 7 * 86_400_000;
/** A row held by the closed window is looked at again after this (earlier when the citizen writes). */
export const WINDOW_RECHECK_MS = 6 * 3_600_000;
/** After this long without interaction a held row is given up. */
export const WINDOW_GIVE_UP_MS = 45 * 86_400_000;
/** Between two messages to one Zalo user. */
export const ZALO_RECIPIENT_INTERVAL_MS = 300;
/** Template messages reach citizens who interacted within the last year. */
export const TEMPLATE_REACH_MS = 365 * 86_400_000;
export const RATE_LIMIT_DELAY_MS = 60_000;
export const TOKEN_UNAVAILABLE_DELAY_MS = 5 * 60_000;
/** A night-ban answer outside 22:00–06:00 (clocks disagree) is retried after this. */
export const NIGHT_BAN_DAYTIME_DELAY_MS = 15 * 60_000;

/** Local wall-clock fields of an instant in a time zone. */
function wallClock(at: Date, timeZone: string): { y: number; mo: number; d: number; h: number; mi: number; s: number } {
  const parts = dateParts(dateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "numeric",
    day: "numeric",
    hour: "numeric",
    minute: "numeric",
    second: "numeric",
  }), at);
  const get = (type: string) => Number(parts[type]);
  return { y: get("year"), mo: get("month"), d: get("day"), h: get("hour"), mi: get("minute"), s: get("second") };
}

/**
 * Milliseconds from `now` until the next 06:00 in `timeZone` when `now` lies in the night ban
 * (22:00–06:00 local); NIGHT_BAN_DAYTIME_DELAY_MS otherwise. Pure.
 */
export function nightBanDelayMs(now: Date, timeZone = "Asia/Ho_Chi_Minh"): number {
  const w = wallClock(now, timeZone);
  if (w.h >= 6 && w.h < 22) return NIGHT_BAN_DAYTIME_DELAY_MS;
  const wallMs = Date.UTC(w.y, w.mo - 1, w.d, w.h, w.mi, w.s, now.getUTCMilliseconds());
  const offset = wallMs - now.getTime();
  const targetWall = Date.UTC(w.y, w.mo - 1, w.h >= 22 ? w.d + 1 : w.d, 6, 0, 0, 0);
  return targetWall - offset - now.getTime();
}

export interface ZaloSenderDeps {
  client: Pick<ZaloClient, "sendMessage" | "sendTransaction" | "sendPromotion" | "uploadImage">;
  tokens: ZaloTokenSource;
  now?: () => Date;
  /** For the night-ban delay (Zalo counts it in Vietnam time). */
  timeZone?: string;
  /** Zalo allows about 4000 calls per minute per app. */
  globalPerSecond?: number;
  perRecipientIntervalMs?: number;
  /** ZALO_WINDOW_TEMPLATE: notices and campaign messages to a citizen outside the window go as this template. */
  windowTemplate?: string;
  /** ZALO_DECISION_TEMPLATE: an officer's decision (message purpose "decision") outside the window goes as this template. */
  decisionTemplate?: string;
  /** ZALO_PROMOTION_TEMPLATE and the per-user daily cap: campaign (bulk) rows outside the window go as promotions. */
  promotion?: { template: string; quota: PromotionQuota };
}

const never = (reason: string, unreachable = false): SendResult =>
  unreachable ? { ok: false, retry: "never", reason, unreachable: true } : { ok: false, retry: "never", reason };

/** The window state: wait for the citizen to write again (the worker re-checks windowOpen). */
function windowClosed(reason: string): SendResult {
  return { ok: false, retry: "after", scope: "recipient", delayMs: WINDOW_RECHECK_MS, reason: `zalo window closed (${reason})`, untilInteraction: true };
}

export function windowOpen(info: RecipientInfo, at: Date): boolean {
  return info.lastInteractionAt !== null && at.getTime() - info.lastInteractionAt.getTime() <= ZALO_WINDOW_MS;
}

export function classifyZaloError(error: unknown, now: Date, timeZone: string): SendResult {
  if (error instanceof ZaloApiError) {
    const reason = error.message;
    switch (error.kind) {
      case "window":
        return windowClosed(String(error.code));
      case "blocked":
        return never(String(error.code), true);
      case "rate_limit":
        return { ok: false, retry: "after", scope: "channel", delayMs: RATE_LIMIT_DELAY_MS, reason };
      case "night_ban":
        return { ok: false, retry: "after", scope: "recipient", delayMs: nightBanDelayMs(now, timeZone), reason };
      case "token":
        return { ok: false, retry: "after", scope: "channel", delayMs: TOKEN_UNAVAILABLE_DELAY_MS, reason };
      default:
        return never(reason);
    }
  }
  if (error instanceof ZaloNetworkError) return { ok: false, retry: "backoff", reason: `network: ${error.message}` };
  if (error instanceof ZaloTokenError) {
    const cause = (error as Error & { cause?: unknown }).cause;
    if (error.code === "refresh_failed" && cause instanceof ZaloNetworkError) {
      return { ok: false, retry: "backoff", reason: error.message };
    }
    if (error.code === "lock_timeout") return { ok: false, retry: "backoff", reason: error.message };
    return { ok: false, retry: "after", scope: "channel", delayMs: TOKEN_UNAVAILABLE_DELAY_MS, reason: error.message };
  }
  return { ok: false, retry: "backoff", reason: `unexpected: ${(error as Error)?.message ?? String(error)}` };
}

export function createZaloSender(deps: ZaloSenderDeps): ChannelSender {
  const now = deps.now ?? (() => new Date());
  const timeZone = deps.timeZone ?? "Asia/Ho_Chi_Minh";

  async function sendOnce(recipient: string, body: ZaloSendBody, replyTo?: string): Promise<string> {
    const token = await deps.tokens.getAccessToken();
    try {
      return (await deps.client.sendMessage(recipient, body, token, replyTo)).messageId;
    } catch (error) {
      if (!(error instanceof ZaloApiError && error.kind === "token")) throw error;
      const fresh = await deps.tokens.refreshAfterRejection(token);
      return (await deps.client.sendMessage(recipient, body, fresh, replyTo)).messageId;
    }
  }

  async function sendTemplate(recipient: string, body: ZaloTransactionBody, kind: "transaction" | "promotion" = "transaction"): Promise<SendResult> {
    const call = (token: string) => (kind === "promotion" ? deps.client.sendPromotion(recipient, body, token) : deps.client.sendTransaction(recipient, body, token));
    try {
      let token = await deps.tokens.getAccessToken();
      try {
        return { ok: true, platformMessageId: (await call(token)).messageId, billed: kind === "promotion" ? "promotion" : "template" };
      } catch (error) {
        if (!(error instanceof ZaloApiError && error.kind === "token")) throw error;
        token = await deps.tokens.refreshAfterRejection(token);
        return { ok: true, platformMessageId: (await call(token)).messageId, billed: kind === "promotion" ? "promotion" : "template" };
      }
    } catch (error) {
      return classifyZaloError(error, now(), timeZone);
    }
  }

  /** Uploads a picture (refreshing the token once if Zalo refuses it). */
  async function upload(image: Buffer): Promise<string> {
    const token = await deps.tokens.getAccessToken();
    try {
      return (await deps.client.uploadImage(image, token)).attachmentId;
    } catch (error) {
      if (!(error instanceof ZaloApiError && error.kind === "token")) throw error;
      return (await deps.client.uploadImage(image, await deps.tokens.refreshAfterRejection(token))).attachmentId;
    }
  }

  /** A campaign message as a promotion: one per user per Vietnam day, counted right before the call. */
  async function sendPromotion(recipient: string, message: OutboxPayload & { kind: "message" }, at: Date, template: string, quota: PromotionQuota): Promise<SendResult> {
    if (!(await quota.take(recipient, at))) {
      return { ok: false, retry: "after", scope: "recipient", delayMs: nextPromotionDayMs(at), reason: "zalo promotion: this user already had one today" };
    }
    const result = await sendTemplate(recipient, renderTransaction(message.message, template), "promotion");
    // Refused by Zalo (not a network doubt): the day's promotion was not used.
    if (!result.ok && result.retry !== "backoff") await quota.giveBack(recipient, at);
    return result;
  }

  async function sendPart(recipient: string, body: ZaloSendBody, replyTo: string | undefined, proactive: () => void): Promise<string> {
    try {
      return await sendOnce(recipient, body, replyTo);
    } catch (error) {
      // The citizen's message is too old to be answered: still inside the window, send it proactively.
      if (replyTo && error instanceof ZaloApiError && error.code === -232) {
        proactive();
        return sendOnce(recipient, body);
      }
      throw error;
    }
  }

  return {
    channel: "zalo",
    globalPerSecond: deps.globalPerSecond ?? 60,
    perRecipientIntervalMs: deps.perRecipientIntervalMs ?? ZALO_RECIPIENT_INTERVAL_MS,
    combine: (messages) => combineMessages(messages),
    windowOpen: (info) => windowOpen(info, now()),
    async send(recipient: string, payload: OutboxPayload, info: RecipientInfo, done?: PartsSent, row?: RowContext): Promise<SendResult> {
      if (payload.kind === "callback_answer") return { ok: true, platformMessageId: "noop" };
      const at = now();
      const last = info.lastInteractionAt;
      if (!windowOpen(info, at)) {
        const silentMs = last ? at.getTime() - last.getTime() : Infinity;
        // A campaign message to a follower: a promotion, when configured.
        if (deps.promotion && row?.lane === "bulk" && info.reachable) {
          return sendPromotion(recipient, payload, at, deps.promotion.template, deps.promotion.quota);
        }
        // Not a reply (nobody asked): a notice or campaign message may go as a paid template message.
        const template = (payload.message.purpose === "decision" ? deps.decisionTemplate : undefined) ?? deps.windowTemplate;
        if (template && row && row.lane !== "reply" && silentMs <= TEMPLATE_REACH_MS) {
          return sendTemplate(recipient, renderTransaction(payload.message, template));
        }
        if (silentMs > WINDOW_GIVE_UP_MS) return never("zalo window closed: no interaction for 45 days");
        return windowClosed("out_of_window");
      }

      const parts: Part[] = payload.message.image ? withImage(payload.message.image.png, renderZalo(payload.message)) : renderZalo(payload.message);
      // A reply naming the citizen's message is free; one sent proactively is a consultation message.
      let billed: "reply" | "consultation" = row?.replyTo ? "reply" : "consultation";
      const proactive = () => (billed = "consultation");
      const result = await sendInParts(
        parts,
        done,
        async (part) =>
          "image" in part
            ? sendPart(recipient, { text: part.text, attachment: mediaAttachment(await upload(part.image)) }, row?.replyTo, proactive)
            : sendPart(recipient, part, row?.replyTo, proactive),
        (error) => classifyZaloError(error, now(), timeZone),
      );
      return result.ok ? { ...result, billed } : result;
    },
  };
}
