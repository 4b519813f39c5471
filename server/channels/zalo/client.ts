// A small typed client for the two Zalo calls we make: send a consultation message (OA API v3) and
// refresh the token pair (OAuth v4). Zalo answers HTTP 200 with a numeric `error` field; a non-zero
// error becomes a ZaloApiError with its kind, anything that is not such an answer (network failure,
// timeout, non-200, unreadable body) a ZaloNetworkError.
import type { ZaloSendBody, ZaloTransactionBody } from "./render.ts";

export type ZaloErrorKind = "token" | "window" | "rate_limit" | "night_ban" | "bad_request" | "quota" | "blocked" | "unknown";

const KINDS: Record<number, ZaloErrorKind> = {
  [-216]: "token",
  [-220]: "token",
  // The 7-day window closed (-230) or the message named in a reply is too old (-232): the citizen can
  // still be reached as soon as they write again, or by a template message.
  [-230]: "window",
  [-232]: "window",
  // Not following the OA (-213), inactive for more than 45 days (-227), blocked this kind (-244).
  [-213]: "blocked",
  [-227]: "blocked",
  [-32]: "rate_limit",
  [-234]: "night_ban",
  [-201]: "bad_request",
  [-211]: "quota",
  [-244]: "blocked",
};

export function errorKind(code: number): ZaloErrorKind {
  return KINDS[code] ?? "unknown";
}

/** Zalo answered and said no. */
export class ZaloApiError extends Error {
  readonly kind: ZaloErrorKind;
  constructor(
    readonly code: number,
    message: string,
    /** "send" for the OA API, "oauth" for the token endpoint. */
    readonly api: "send" | "oauth" = "send",
  ) {
    super(`Zalo ${api === "oauth" ? "OAuth" : "OA API"} error ${code}: ${message}`);
    this.name = "ZaloApiError";
    // An OAuth refusal is always about the refresh token or the app credentials.
    this.kind = api === "oauth" ? "token" : errorKind(code);
  }
}

/** Zalo could not be reached or gave no usable answer; worth retrying later. */
export class ZaloNetworkError extends Error {
  constructor(
    readonly code: "network" | "timeout" | "http_status" | "bad_response",
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = "ZaloNetworkError";
  }
}

export interface ZaloClientOptions {
  /** ZALO_OA_API_BASE, e.g. https://openapi.zalo.me */
  apiBase: string;
  /** ZALO_OAUTH_BASE, e.g. https://oauth.zaloapp.com */
  oauthBase: string;
  appId: string;
  /** ZALO_APP_SECRET_KEY, sent as the `secret_key` header of the refresh call. */
  appSecretKey?: string;
  timeoutMs?: number;
}

export interface RefreshedPair {
  accessToken: string;
  refreshToken: string;
  /** Seconds the access token lives (Zalo sends a string; 90000 = 25 h). */
  expiresIn: number;
}

const trimSlash = (url: string) => url.replace(/\/+$/, "");

export class ZaloClient {
  private readonly timeoutMs: number;

  constructor(private readonly options: ZaloClientOptions) {
    this.timeoutMs = options.timeoutMs ?? 10_000;
  }

  private async call(url: string, init: RequestInit): Promise<Record<string, unknown>> {
    let response: Response;
    try {
      response = await fetch(url, { ...init, signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (error) {
      const e = error as Error;
      if (e.name === "TimeoutError" || e.name === "AbortError") {
        throw new ZaloNetworkError("timeout", `no answer from ${new URL(url).host} within ${this.timeoutMs} ms`);
      }
      const cause = (e.cause as Error | undefined)?.message;
      throw new ZaloNetworkError("network", `cannot reach ${new URL(url).host}: ${cause ?? e.message}`);
    }
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      throw new ZaloNetworkError("network", `reading the answer failed: ${(error as Error).message}`);
    }
    if (response.status !== 200) {
      throw new ZaloNetworkError("http_status", `HTTP ${response.status} from ${new URL(url).pathname}`, response.status);
    }
    try {
      const body = JSON.parse(text) as unknown;
      if (body && typeof body === "object" && !Array.isArray(body)) return body as Record<string, unknown>;
    } catch {
      // reported below
    }
    throw new ZaloNetworkError("bad_response", `unreadable answer from ${new URL(url).pathname}: ${text.slice(0, 200)}`);
  }

  /**
   * Sends one consultation message; returns Zalo's message id. With `replyTo` (the citizen's msg_id) the
   * message answers that one (`recipient.message_id`) and is billed as a free reply, not as a
   * proactive message to `user_id`.
   */
  async sendMessage(userId: string, message: ZaloSendBody, accessToken: string, replyTo?: string): Promise<{ messageId: string }> {
    const body = await this.call(`${trimSlash(this.options.apiBase)}/v3.0/oa/message/cs`, {
      method: "POST",
      headers: { "content-type": "application/json", access_token: accessToken },
      body: JSON.stringify({ recipient: replyTo ? { message_id: replyTo } : { user_id: userId }, message }),
    });
    return this.messageIdOf(body);
  }

  /**
   * Sends a ZBS transaction template message (POST /v3.0/oa/message/transaction): paid, allowed to a
   * citizen who interacted within the last year, outside the 7-day window of consultation messages.
   */
  async sendTransaction(userId: string, message: ZaloTransactionBody, accessToken: string): Promise<{ messageId: string }> {
    const body = await this.call(`${trimSlash(this.options.apiBase)}/v3.0/oa/message/transaction`, {
      method: "POST",
      headers: { "content-type": "application/json", access_token: accessToken },
      body: JSON.stringify({ recipient: { user_id: userId }, message }),
    });
    return this.messageIdOf(body);
  }

  /** Uploads a PNG or JPEG (at most 1 MB) for a media message; returns Zalo's attachment id. */
  async uploadImage(image: Buffer, accessToken: string, filename = "chart.png"): Promise<{ attachmentId: string }> {
    const form = new FormData();
    form.append("file", new Blob([new Uint8Array(image)], { type: "image/png" }), filename);
    const body = await this.call(`${trimSlash(this.options.apiBase)}/v2.0/oa/upload/image`, {
      method: "POST",
      headers: { access_token: accessToken },
      body: form,
    });
    const code = Number(body.error ?? 0);
    if (code !== 0) throw new ZaloApiError(code, String(body.message ?? "unknown error"));
    const id = (body.data as Record<string, unknown> | undefined)?.attachment_id;
    if (typeof id !== "string" || id.length === 0) throw new ZaloNetworkError("bad_response", "upload answer without attachment_id");
    return { attachmentId: id };
  }

  /**
   * Sends a ZBS promotion template message (POST /v3.0/oa/message/promotion): paid, to followers, at most
   * one per user per day and 06:00–21:59 only (-234 otherwise).
   */
  async sendPromotion(userId: string, message: ZaloTransactionBody, accessToken: string): Promise<{ messageId: string }> {
    const body = await this.call(`${trimSlash(this.options.apiBase)}/v3.0/oa/message/promotion`, {
      method: "POST",
      headers: { "content-type": "application/json", access_token: accessToken },
      body: JSON.stringify({ recipient: { user_id: userId }, message }),
    });
    return this.messageIdOf(body);
  }

  private messageIdOf(body: Record<string, unknown>): { messageId: string } {
    const code = Number(body.error ?? 0);
    if (code !== 0) throw new ZaloApiError(code, String(body.message ?? "unknown error"));
    const data = body.data as Record<string, unknown> | undefined;
    const messageId = data?.message_id;
    if (typeof messageId !== "string" && typeof messageId !== "number") {
      throw new ZaloNetworkError("bad_response", "success without a message_id");
    }
    return { messageId: String(messageId) };
  }

  /** Exchanges the (single-use) refresh token for a new pair. */
  async refreshToken(refreshToken: string): Promise<RefreshedPair> {
    const form = new URLSearchParams({ refresh_token: refreshToken, app_id: this.options.appId, grant_type: "refresh_token" });
    const body = await this.call(`${trimSlash(this.options.oauthBase)}/v4/oa/access_token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", secret_key: this.options.appSecretKey ?? "" },
      body: form.toString(),
    });
    const code = Number(body.error ?? 0);
    if (code !== 0 || typeof body.access_token !== "string") {
      const reason = [body.error_name, body.error_reason, body.error_description, body.message].find((v) => typeof v === "string");
      throw new ZaloApiError(code || -1, String(reason ?? "no access_token in the answer"), "oauth");
    }
    const expiresIn = Number(body.expires_in);
    if (typeof body.refresh_token !== "string" || !Number.isFinite(expiresIn) || expiresIn <= 0) {
      throw new ZaloNetworkError("bad_response", "refresh answer without refresh_token or expires_in");
    }
    return { accessToken: body.access_token, refreshToken: body.refresh_token, expiresIn };
  }
}
