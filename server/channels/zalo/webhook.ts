// POST /webhooks/zalo: Zalo OA events. The body is kept as raw bytes (a content-type parser scoped to
// this plugin's own encapsulated context, so the rest of the app keeps Fastify's JSON parser) and the
// signature is checked on those bytes before anything else happens:
//   missing or wrong X-ZEvent-Signature → 401 { error: { code: "bad_signature" } }, nothing changes
//   valid signature, body not JSON      → 400 { error: { code: "bad_json" } }, nothing changes
//   event we do not handle              → 200 (each kind logged once per process)
//   handled event                       → handleInbound (one short transaction), then 200; a duplicate
//                                         delivery is 200 as well. If handleInbound throws: 500, and
//                                         Zalo delivers the event again later.
// Zalo wants the 200 within 2 s and disables a webhook that keeps failing.
import type { FastifyInstance, FastifyReply } from "fastify";
import type { BaseLogger } from "pino";
import type { Config } from "../../config.ts";
import type { HandleInbound } from "../../conversation/types.ts";
import { parseWebhookJson, parseZaloEvent } from "./events.ts";
import { SIGNATURE_HEADER, verifySignature } from "./signature.ts";

export const ZALO_WEBHOOK_PATH = "/webhooks/zalo";

export interface ZaloWebhookDeps {
  config: Pick<Config, "zalo">;
  handleInbound: HandleInbound;
  logger: Pick<BaseLogger, "info" | "warn" | "error" | "debug">;
  /**
   * Called for a user's own action that the engine does not handle (a sticker, a location …), so that
   * the caller can still count it as an interaction (Zalo's 7-day window starts again from it).
   */
  touch?: (userId: string, at: Date) => Promise<void> | void;
  now?: () => Date;
}

function fail(reply: FastifyReply, status: number, code: string, message: string) {
  return reply.code(status).send({ error: { code, message } });
}

/** Returns a plugin; register it with app.register(…) or call it with the app: it encapsulates itself. */
export function zaloWebhookRoutes(deps: ZaloWebhookDeps) {
  const { appId, oaSecretKey } = deps.config.zalo;
  if (!appId || !oaSecretKey) throw new Error("ZALO_APP_ID and ZALO_OA_SECRET_KEY are required for the Zalo webhook");
  const now = deps.now ?? (() => new Date());
  const loggedIgnored = new Set<string>();

  async function routes(app: FastifyInstance): Promise<void> {
    app.removeAllContentTypeParsers();
    app.addContentTypeParser("*", { parseAs: "buffer", bodyLimit: 256 * 1024 }, (_request, body, done) => done(null, body));

    app.post(ZALO_WEBHOOK_PATH, async (request, reply) => {
      const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const header = request.headers[SIGNATURE_HEADER];
      if (!verifySignature(raw, Array.isArray(header) ? header[0] : header, appId!, oaSecretKey!)) {
        return fail(reply, 401, "bad_signature", `missing or invalid ${SIGNATURE_HEADER} header`);
      }
      const json = parseWebhookJson(raw);
      if (!json.ok) return fail(reply, 400, "bad_json", `the body is not JSON: ${json.error}`);

      const parsed = parseZaloEvent(json.value, now());
      if ("ignored" in parsed) {
        const kind = parsed.ignored.split(":")[0]!;
        if (!loggedIgnored.has(kind) && loggedIgnored.size < 100) {
          loggedIgnored.add(kind);
          deps.logger.info({ reason: parsed.ignored }, "zalo event ignored (logged once per kind)");
        }
        if (parsed.userId && parsed.at && deps.touch) {
          try {
            await deps.touch(parsed.userId, parsed.at);
          } catch (error) {
            deps.logger.warn({ err: error }, "zalo touch failed");
          }
        }
        return reply.code(200).send({ ok: true, ignored: parsed.ignored });
      }
      try {
        const outcome = await deps.handleInbound({
          channel: "zalo",
          externalUserId: parsed.userId,
          eventId: parsed.eventId,
          event: parsed.event,
          at: parsed.at,
          ...(parsed.replyTo !== undefined ? { replyTo: parsed.replyTo } : {}),
        });
        return reply.code(200).send({ ok: true, status: outcome.status });
      } catch (error) {
        deps.logger.error({ err: error, eventId: parsed.eventId }, "zalo event could not be applied");
        return fail(reply, 500, "internal", "The event could not be applied; it has been logged.");
      }
    });
  }

  return async function zaloWebhookPlugin(app: FastifyInstance): Promise<void> {
    await app.register(routes);
  };
}
