// Evidence photos from the web chat, stored in PostgreSQL (table web_uploads) so that every app process
// can serve them to officers later. The type is taken from the file's first bytes, not from the header.
// A photo is kept only when the conversation asks for one (a question that takes evidence, or the
// evidence step) and within the caps (WEB_UPLOADS_* settings); before consent none is stored at all.
import { createHash } from "node:crypto";
import type pg from "pg";
import type { ConversationState } from "../../../bot/engine/index.ts";
import type { CriteriaCatalog } from "../../../bot/types.ts";
import type { UploadQuota } from "../../config.ts";
import { findQuestion } from "../../../rules/index.ts";
import { webChatAccountSql } from "../../accounts/sql.ts";

export const IMAGE_TYPES = ["image/jpeg", "image/png", "image/webp"] as const;
export type ImageType = (typeof IMAGE_TYPES)[number];

/** The image type the bytes really are, or null. */
export function sniffImage(data: Buffer): ImageType | null {
  if (data.length >= 3 && data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) return "image/jpeg";
  if (data.length >= 8 && data.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return "image/png";
  if (data.length >= 12 && data.toString("latin1", 0, 4) === "RIFF" && data.toString("latin1", 8, 12) === "WEBP") return "image/webp";
  return null;
}

export interface NewUpload {
  account: string;
  clientEventId: string;
  contentType: ImageType;
  data: Buffer;
}

export type UploadOutcome =
  /** Stored now, or the row a retry of the same clientEventId stored the first time. */
  | { kind: "stored"; id: string }
  /** The conversation has no consent: nothing is stored, the engine answers (evidence.before_consent). */
  | { kind: "before_consent" }
  /** Refused with a 4xx the page shows: no photo is asked for now, or a cap is reached. */
  | { kind: "refused"; code: "not_expected" | "upload_quota"; message: string };

/** What the current step of a conversation (the engine's state JSON) makes of a photo. */
export function photoWanted(state: unknown, criteria: CriteriaCatalog): "before_consent" | "wanted" | "not_wanted" {
  const s = state as Partial<ConversationState> | null;
  if (!s || s.consentVersion === undefined) return "before_consent";
  if (s.dialog !== undefined || !s.step) return "not_wanted";
  if (s.step.kind === "evidence") return "wanted";
  if (s.step.kind !== "question" || !s.assessment) return "not_wanted";
  const set = criteria.get(s.assessment.setId, s.assessment.setVersion);
  return set && findQuestion(set, s.step.qid)?.evidence ? "wanted" : "not_wanted";
}

const over = (n: number, bytes: number, size: number, cap: { count: number; bytes: number }) => n + 1 > cap.count || bytes + size > cap.bytes;

/**
 * Stores one upload if the conversation asks for a photo now and the caps allow it (per web account,
 * and per open assessment: the uploads since it started). Decided and inserted under a per-account
 * transaction lock, so that parallel uploads cannot pass the caps together.
 */
export async function storeUpload(pool: pg.Pool, criteria: CriteriaCatalog, quota: UploadQuota, u: NewUpload): Promise<UploadOutcome> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    await client.query(`SELECT pg_advisory_xact_lock(hashtextextended('web_upload:' || $1, 0))`, [u.account]);
    const retry = await client.query<{ id: string }>(
      `SELECT id FROM web_uploads WHERE web_account = $1 AND client_event_id = $2`,
      [u.account, u.clientEventId],
    );
    if (retry.rows[0]) {
      // A retry of a stored upload goes on to the pipeline, which answers "duplicate".
      await client.query("COMMIT");
      return { kind: "stored", id: retry.rows[0].id };
    }
    const { rows } = await client.query<{ state: unknown; n: number; bytes: string; n_draft: number; bytes_draft: string }>(
      `SELECT c.state,
              (SELECT count(*)::int FROM web_uploads w WHERE w.web_account = c.external_id) AS n,
              (SELECT coalesce(sum(w.size), 0)::text FROM web_uploads w WHERE w.web_account = c.external_id) AS bytes,
              (SELECT count(*)::int FROM web_uploads w WHERE w.web_account = c.external_id AND w.created_at >= d.started_at) AS n_draft,
              (SELECT coalesce(sum(w.size), 0)::text FROM web_uploads w WHERE w.web_account = c.external_id AND w.created_at >= d.started_at) AS bytes_draft
         FROM ${webChatAccountSql("$1")} c
         LEFT JOIN LATERAL (SELECT a.started_at FROM assessments a WHERE a.person_id = c.person_id
                               AND a.status IN ('in_progress', 'needs_more') ORDER BY a.started_at DESC LIMIT 1) d ON true
`,
      [u.account],
    );
    const r = rows[0];
    const wanted = photoWanted(r?.state ?? null, criteria);
    let outcome: UploadOutcome | undefined;
    if (wanted === "before_consent") outcome = { kind: "before_consent" };
    else if (wanted === "not_wanted") {
      outcome = { kind: "refused", code: "not_expected", message: "No photo is asked for at this step: answer the question on screen first." };
    } else if (over(r!.n, Number(r!.bytes), u.data.length, quota.perAccount) || over(r!.n_draft, Number(r!.bytes_draft), u.data.length, quota.perAssessment)) {
      outcome = {
        kind: "refused",
        code: "upload_quota",
        message: `Photo limit reached (${quota.perAssessment.count} per assessment, ${quota.perAccount.count} in all): the photos already sent are kept; continue with the questions.`,
      };
    }
    if (outcome) {
      await client.query("ROLLBACK");
      return outcome;
    }
    const sha256 = createHash("sha256").update(u.data).digest("hex");
    const ins = await client.query<{ id: string }>(
      `INSERT INTO web_uploads (web_account, client_event_id, content_type, size, sha256, data)
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
      [u.account, u.clientEventId, u.contentType, u.data.length, sha256, u.data],
    );
    await client.query("COMMIT");
    return { kind: "stored", id: ins.rows[0]!.id };
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

/** The ref of an upload that was not stored (before consent): the engine refuses it, nothing to discard. */
export const NOT_STORED_REF = "web-upload:not-stored";

export const uploadRef = (id: string) => `web-upload:${id}`;

/** One of the account's own uploads (the review's thumbnails); null when there is none of that id. */
export async function readOwnUpload(pool: pg.Pool, account: string, id: string): Promise<{ contentType: string; data: Buffer; sha256: string } | null> {
  const { rows } = await pool.query<{ content_type: string; data: Buffer; sha256: string }>(
    `SELECT content_type, data, sha256 FROM web_uploads WHERE id = $1::uuid AND web_account = $2`,
    [id, account],
  );
  const r = rows[0];
  return r ? { contentType: r.content_type, data: r.data, sha256: r.sha256 } : null;
}
