// The web chat's HTTP surface:
//   GET  /chat                 the page; sets the signed account cookie (new, or renewed)
//   GET  /chat/static/<file>   its script and style
//   POST /chat/api/events      { clientEventId, type: text|button|start, … } → the inbound pipeline
//   POST /chat/api/evidence    a raw JPEG/PNG/WEBP body (?clientEventId=…) → stored, then the pipeline
//   GET  /chat/api/messages    delivered replies after an id, long-polled (woken by Redis pub/sub)
//   GET  /chat/api/evidence/<id>  one of the citizen's own photos (the review's thumbnails)
// The API needs the cookie (401), counts requests per session and per IP before reading a body (429),
// validates everything (400) – and a refused request changes nothing.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Lang } from "../../../bot/types.ts";
import { conversationLanguage } from "../../accounts/store.ts";
import { AppError } from "../../errors.ts";
import { fromThisSite } from "../../edge/origin.ts";
import { COOKIE_NAME, newAccountId, readCookie, setCookieHeader, signAccountId, verifyAccountCookie } from "./cookie.ts";
import { readImage, readMessages, waitForMessages } from "./messages.ts";
import { WebPush } from "./push.ts";
import { ASSETS, createPageRenderer, FAVICON } from "./page.ts";
import { LimiterUnavailable, registerLimiter, type Limiter, type LimitName } from "./rate-limit.ts";
import { eventBody, evidenceQuery, messagesQuery, parseOr400 } from "./schemas.ts";
import { readUploadBody } from "./upload-body.ts";
import { IMAGE_TYPES, NOT_STORED_REF, readOwnUpload, sniffImage, storeUpload, uploadRef } from "./uploads.ts";
import type { WebDeps, WebSettings } from "./settings.ts";

const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' blob: data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'self'",
].join("; ");

const SECURITY_HEADERS = {
  "content-security-policy": CSP,
  "x-content-type-options": "nosniff",
  "referrer-policy": "same-origin",
};

type Kind = "events" | "uploads" | "polls";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

declare module "fastify" {
  interface FastifyRequest {
    webAccount?: string;
  }
}

export function webRoutes(deps: WebDeps, s: WebSettings) {
  const { pool, handleInbound, config } = deps;
  let limiter: Limiter | undefined;
  const render = createPageRenderer({ maxUploadBytes: s.maxUploadBytes });
  const secure = config.publicBaseUrl.startsWith("https:");
  const publicOrigin = new URL(config.publicBaseUrl).origin;
  // Long polls end at once when the server stops, so that shutdown stays within its time limit.
  const closing = new AbortController();
  const push = new WebPush(deps.redis, config.redisPrefix);

  const accountOf = (request: FastifyRequest) => verifyAccountCookie(readCookie(request.headers.cookie, COOKIE_NAME), s.secret);

  /** onRequest: before any body is read. */
  async function requireSession(request: FastifyRequest): Promise<void> {
    if (request.method === "POST" && !fromThisSite(request, publicOrigin)) {
      throw new AppError(403, "cross_origin", "Requests must come from the chat page of this site.");
    }
    const account = accountOf(request);
    if (!account) {
      throw new AppError(401, "no_session", "No valid chat cookie: open /chat first, it starts a conversation and sets the cookie.");
    }
    request.webAccount = account;
  }

  function limit(kind: Kind) {
    return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
      const names: LimitName[] =
        kind === "polls" ? ["sessionPolls"] : ["sessionEvents", "ipEvents", ...(kind === "uploads" ? ["sessionUploads" as const] : [])];
      let result;
      try {
        result = await limiter!(request, names);
      } catch (error) {
        if (error instanceof LimiterUnavailable) throw new AppError(503, "unavailable", "The chat is briefly unavailable; try again in a few seconds.");
        throw error;
      }
      if (!result.ok) {
        reply.header("retry-after", String(Math.max(1, Math.ceil(result.retryAfterMs / 1000))));
        const what = result.key.split(":").slice(0, 2).join(" per ").replace(" per s", " per session");
        throw new AppError(429, "rate_limited", `Too many requests (${what}); wait ${Math.ceil(result.retryAfterMs / 1000)} s and try again.`);
      }
    };
  }

  async function langOf(account: string | null, query: unknown): Promise<Lang> {
    const wanted = (query as { lang?: unknown }).lang;
    if (wanted === "vi" || wanted === "en") return wanted;
    if (!account) return "vi";
    return (await conversationLanguage(pool, "web", account)) ?? "vi";
  }

  return async (app: FastifyInstance): Promise<void> => {
    await app.register(async (scope) => {
      limiter = await registerLimiter(scope, deps.redis, config.redisPrefix, s.limits);
      scope.addHook("preClose", async () => closing.abort());
      scope.addHook("onClose", async () => push.close());
      // Fastify's own refusals (body type, size, JSON) in this channel's words, then the app's handler.
      scope.setErrorHandler((error: FastifyError, request) => {
        throw translate(error, request.routeOptions.url === "/chat/api/evidence", s.maxUploadBytes);
      });
      // The photo's bytes, read by us: a too-large one is read to its end (up to a bound) before the 413,
      // so that the browser, still sending, gets to read the answer instead of a reset connection.
      scope.addContentTypeParser([...IMAGE_TYPES], (request, payload, done) =>
        readUploadBody(payload, request.headers["content-length"], s.maxUploadBytes, done),
      );

      scope.get("/chat", async (request, reply) => {
        // A new citizen gets a new account; a returning one has the cookie's lifetime renewed.
        const account = accountOf(request) ?? newAccountId();
        reply.header("set-cookie", setCookieHeader(signAccountId(account, s.secret), { secure }));
        const lang = await langOf(account, request.query);
        return reply
          .headers({ ...SECURITY_HEADERS, "cache-control": "no-store", "content-type": "text/html; charset=utf-8" })
          .send(render(lang));
      });
      scope.get("/chat/", async (request, reply) => {
        const q = request.url.indexOf("?");
        return reply.redirect(`/chat${q >= 0 ? request.url.slice(q) : ""}`, 301);
      });

      scope.get<{ Params: { name: string } }>("/chat/static/:name", async (request, reply) => {
        const file = Object.hasOwn(ASSETS, request.params.name) ? ASSETS[request.params.name] : undefined;
        if (!file) throw new AppError(404, "not_found", `No such file: /chat/static/${request.params.name}`);
        const etag = `"${file.hash}"`;
        reply.headers({ ...SECURITY_HEADERS, etag, "content-type": file.type, "cache-control": "public, max-age=31536000, immutable" });
        if (request.headers["if-none-match"] === etag) return reply.code(304).send();
        return reply.send(file.body);
      });

      scope.post("/chat/api/events", { onRequest: [requireSession, limit("events")], bodyLimit: 16_384 }, async (request, reply) => {
        if (typeof request.body !== "object" || request.body === null || Array.isArray(request.body)) {
          throw new AppError(400, "invalid_body", 'Send a JSON object: { "clientEventId", "type": "text" | "button" | "start", … }.');
        }
        const b = parseOr400(eventBody, request.body);
        const account = request.webAccount!;
        const outcome = await handleInbound({
          channel: "web",
          externalUserId: account,
          eventId: `${account}:${b.clientEventId}`,
          at: new Date(),
          event:
            b.type === "text"
              ? { type: "text", text: b.text }
              : b.type === "button"
                ? { type: "button", data: b.data, ...(b.messageId ? { messageId: b.messageId } : {}) }
                : { type: "command", name: "start", ...(b.invite ? { arg: `o_${b.invite}` } : b.unit ? { arg: `u_${b.unit}` } : {}) },
        });
        return reply.header("cache-control", "no-store").send({ status: outcome.status });
      });

      scope.post("/chat/api/evidence", { onRequest: [requireSession, limit("uploads")] }, async (request, reply) => {
        const query = parseOr400(evidenceQuery, request.query);
        const data = request.body;
        if (!Buffer.isBuffer(data) || data.length === 0) {
          throw new AppError(400, "empty_file", "Send the photo as the request body (Content-Type: image/jpeg, image/png or image/webp).");
        }
        const type = sniffImage(data);
        if (!type) throw new AppError(400, "not_an_image", "The file is not a JPEG, PNG or WEBP image.");
        const account = request.webAccount!;
        // Kept only when the conversation asks for a photo, within the caps; before consent nothing is
        // stored and the engine answers why (its refusal, as for a photo on any other channel).
        const stored = await storeUpload(pool, deps.criteria, config.webUploads, { account, clientEventId: query.clientEventId, contentType: type, data });
        if (stored.kind === "refused") throw new AppError(409, stored.code, stored.message);
        const outcome = await handleInbound({
          channel: "web",
          externalUserId: account,
          eventId: `${account}:${query.clientEventId}`,
          at: new Date(),
          event: { type: "attachment", kind: "image", ref: stored.kind === "stored" ? uploadRef(stored.id) : NOT_STORED_REF },
        });
        return reply.header("cache-control", "no-store").send({ status: outcome.status });
      });

      scope.get<{ Params: { id: string } }>("/chat/api/evidence/:id", { onRequest: [requireSession, limit("polls")] }, async (request, reply) => {
        const id = request.params.id;
        const own = UUID.test(id) ? await readOwnUpload(pool, request.webAccount!, id) : null;
        // Another citizen's photo is as unknown as one that does not exist.
        if (!own) throw new AppError(404, "not_found", "No such photo among yours.");
        return reply
          .headers({ ...SECURITY_HEADERS, "content-type": own.contentType, "cache-control": "private, max-age=86400", etag: `"${own.sha256}"` })
          .send(own.data);
      });

      scope.get("/chat/api/messages", { onRequest: [requireSession, limit("polls")] }, async (request, reply) => {
        const query = parseOr400(messagesQuery, request.query);
        const account = request.webAccount!;
        const { after, wait } = query;
        let page;
        if (wait === "1") {
          const gone = new AbortController();
          const onClose = () => gone.abort();
          reply.raw.once("close", onClose);
          try {
            page = await waitForMessages(pool, push, account, after, {
              timeoutMs: s.longPollMs,
              signal: AbortSignal.any([gone.signal, closing.signal]),
            });
          } finally {
            reply.raw.off("close", onClose);
          }
        } else {
          page = await readMessages(pool, account, after);
        }
        // With new replies, the conversation's language: a switch in the chat re-labels the page at once.
        const lang = page.messages.length > 0 ? await conversationLanguage(pool, "web", account) : null;
        return reply.header("cache-control", "no-store").send(lang ? { ...page, lang } : page);
      });

      // A message's picture (a chart), for the account it was delivered to only.
      scope.get("/chat/api/images/:id", { onRequest: [requireSession, limit("polls")] }, async (request, reply) => {
        const png = await readImage(pool, request.webAccount!, String((request.params as { id?: string }).id ?? ""));
        if (!png) throw new AppError(404, "no_image", "No such picture in this conversation.");
        return reply.headers({ "content-type": "image/png", "cache-control": "private, max-age=86400" }).send(png);
      });

      // Browsers ask for it on every page; without it each visit logs a 404.
      app.get("/favicon.ico", async (_request, reply) =>
        reply.headers({ "content-type": "image/x-icon", "cache-control": "public, max-age=86400" }).send(FAVICON),
      );
    });
  };
}



function translate(error: FastifyError, evidence: boolean, maxUploadBytes: number): Error {
  if (error instanceof AppError) return error;
  const mb = Math.floor(maxUploadBytes / (1024 * 1024));
  switch (error.code) {
    case "FST_ERR_CTP_INVALID_MEDIA_TYPE":
    case "FST_ERR_CTP_INVALID_CONTENT_LENGTH":
      return evidence
        ? new AppError(400, "unsupported_file_type", "Send a photo as image/jpeg, image/png or image/webp.")
        : new AppError(400, "expected_json", "Send the event as JSON (Content-Type: application/json).");
    case "FST_ERR_CTP_BODY_TOO_LARGE":
      return evidence
        ? new AppError(413, "file_too_large", `The photo is larger than ${mb} MB.`)
        : new AppError(400, "body_too_large", "The event is too large.");
    case "FST_ERR_CTP_INVALID_JSON_BODY":
    case "FST_ERR_CTP_EMPTY_JSON_BODY":
      return new AppError(400, "invalid_json", "The body is not valid JSON.");
    default:
      return error;
  }
}
