// Evidence for officers ("Xem chi tiết"): web uploads through short-lived signed links. A link names the
// upload, the officer it was made for and its expiry, signed with HMAC-SHA256 under a key derived from
// WEB_CHAT_SECRET; GET /review/evidence/<upload id>?o=<officer person id>&x=<expiry, s>&s=<signature>
// serves the bytes only while the signature holds, the link has not expired and that officer may still
// decide an assessment of the uploader that names the upload (server/review/scope.ts). Forged → 403,
// expired → 410, anyone else's or unknown → 404; the answer is never cached.
import { createHmac, timingSafeEqual } from "node:crypto";
import type { FastifyInstance } from "fastify";
import type pg from "pg";
import type { ReviewSettings } from "../config.ts";
import { AppError } from "../errors.ts";
import { daysBefore, mayDecide } from "./scope.ts";
import { webChatPersonSql } from "../accounts/sql.ts";

type Queryable = Pick<pg.PoolClient, "query">;

export interface EvidenceLinks {
  /** WEB_CHAT_SECRET (a key for links is derived from it). */
  secret: string;
  /** PUBLIC_BASE_URL, without a trailing slash. */
  baseUrl: string;
  /** How long a link stays valid. */
  ttlMs: number;
}

export const EVIDENCE_LINK_TTL_MS = 30 * 60_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const WEB_UPLOAD_PREFIX = "web-upload:";

function mac(secret: string, uploadId: string, officerId: string, expires: number): string {
  const key = createHmac("sha256", secret).update("cdht evidence links v1").digest();
  return createHmac("sha256", key).update(`${uploadId.toLowerCase()}\n${officerId.toLowerCase()}\n${expires}`).digest("base64url");
}

/** A link to a web upload for one officer, valid for links.ttlMs from now. */
export function evidenceLink(links: EvidenceLinks, uploadId: string, officerId: string, now: Date): string {
  const expires = Math.floor((now.getTime() + links.ttlMs) / 1000);
  const query = new URLSearchParams({ o: officerId, x: String(expires), s: mac(links.secret, uploadId, officerId, expires) });
  return `${links.baseUrl}/review/evidence/${uploadId}?${query.toString()}`;
}

export type LinkCheck = { ok: true; officerId: string } | { ok: false; code: "invalid" | "forged" | "expired" };

/** Whether a link's parts are ours and still valid (no database). */
export function checkEvidenceLink(secret: string, uploadId: string, q: { o?: unknown; x?: unknown; s?: unknown }, now: Date): LinkCheck {
  const { o, x, s } = q;
  if (!UUID.test(uploadId) || typeof o !== "string" || !UUID.test(o) || typeof x !== "string" || !/^\d{1,12}$/.test(x) || typeof s !== "string") {
    return { ok: false, code: "invalid" };
  }
  const expected = Buffer.from(mac(secret, uploadId, o, Number(x)));
  const given = Buffer.from(s);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, code: "forged" };
  if (Number(x) * 1000 < now.getTime()) return { ok: false, code: "expired" };
  return { ok: true, officerId: o };
}

/** The upload's bytes when the officer may decide an assessment of its uploader that names it. */
export async function officerUpload(
  db: Queryable,
  input: { uploadId: string; officerId: string; now: Date },
  settings: Pick<ReviewSettings, "parentDays">,
): Promise<{ contentType: string; data: Buffer } | null> {
  const { rows } = await db.query(
    `SELECT w.content_type, w.data FROM web_uploads w
      WHERE w.id = $1::uuid AND EXISTS (
        SELECT 1 FROM assessments a LEFT JOIN units u ON u.id = a.unit_id
         WHERE a.person_id = ${webChatPersonSql("w.web_account")} AND a.person_id <> $2::uuid
           AND jsonb_path_exists(a.evidence, '$.*[*] ? (@.ref == $r)', jsonb_build_object('r', $4::text))
           AND ${mayDecide("$2::uuid", "$3")})`,
    [input.uploadId, input.officerId, daysBefore(input.now, settings.parentDays), `${WEB_UPLOAD_PREFIX}${input.uploadId.toLowerCase()}`],
  );
  const r = rows[0];
  return r ? { contentType: r.content_type, data: r.data } : null;
}

export function evidenceRoutes(deps: { pool: pg.Pool; secret: string; settings: Pick<ReviewSettings, "parentDays">; now?: () => Date }) {
  return async (app: FastifyInstance) => {
    app.get<{ Params: { id: string }; Querystring: Record<string, unknown> }>("/review/evidence/:id", async (request, reply) => {
      const now = deps.now?.() ?? new Date();
      const check = checkEvidenceLink(deps.secret, request.params.id, request.query, now);
      if (!check.ok) {
        if (check.code === "expired") throw new AppError(410, "link_expired", "This link has expired: open the assessment again in the chat for a new one.");
        if (check.code === "forged") throw new AppError(403, "link_forged", "This link is not valid.");
        throw new AppError(400, "link_invalid", "This is not an evidence link.");
      }
      const upload = await officerUpload(deps.pool, { uploadId: request.params.id, officerId: check.officerId, now }, deps.settings);
      if (!upload) throw new AppError(404, "not_found", "No such evidence for this officer.");
      return reply
        .header("content-type", upload.contentType)
        .header("cache-control", "private, no-store")
        .header("x-content-type-options", "nosniff")
        .send(upload.data);
    });
  };
}
