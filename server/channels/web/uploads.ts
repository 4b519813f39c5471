// Evidence photos from the web chat, stored in PostgreSQL (table web_uploads) so that every app process
// can serve them to officers later. The type is taken from the file's first bytes, not from the header.
import { createHash } from "node:crypto";
import type pg from "pg";
import type { UploadQuota } from "./settings.ts";

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

/** Stores one upload; a retry with the same clientEventId returns the row stored the first time. */
export async function storeUpload(pool: pg.Pool, u: NewUpload): Promise<string> {
  const sha256 = createHash("sha256").update(u.data).digest("hex");
  const { rows } = await pool.query<{ id: string }>(
    `WITH ins AS (
       INSERT INTO web_uploads (web_account, client_event_id, content_type, size, sha256, data)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (web_account, client_event_id) DO NOTHING
       RETURNING id)
     SELECT id FROM ins
     UNION ALL
     SELECT id FROM web_uploads WHERE web_account = $1 AND client_event_id = $2
     LIMIT 1`,
    [u.account, u.clientEventId, u.contentType, u.data.length, sha256, u.data],
  );
  if (rows[0]) return rows[0].id;
  // A concurrent retry committed the same upload after this statement's snapshot: read it now.
  const again = await pool.query<{ id: string }>(
    `SELECT id FROM web_uploads WHERE web_account = $1 AND client_event_id = $2`,
    [u.account, u.clientEventId],
  );
  return again.rows[0]!.id;
}

export const uploadRef = (id: string) => `web-upload:${id}`;

/** Steps at which the engine may take a photo: a question (if it takes evidence) or the evidence step. */
const PHOTO_STEPS = new Set(["question", "evidence"]);

export type UploadRefusal = { code: "not_expected" | "upload_quota"; message: string };

/**
 * Whether the web account may store one more upload of `size` bytes now: only at a step that can take
 * a photo (the engine still refuses one its question does not want, and the upload is deleted in that
 * transaction), and within the quota per account and per current assessment. Null when it may.
 */
export async function uploadRefusal(
  pool: pg.Pool,
  u: { account: string; clientEventId: string; size: number },
  quota: UploadQuota,
): Promise<UploadRefusal | null> {
  const { rows } = await pool.query<{ step: string | null; n: number; bytes: string; n_draft: number; bytes_draft: string; retry: boolean }>(
    `SELECT c.state->'step'->>'kind' AS step,
            bool_or(u.client_event_id = $2) AS retry,
            count(u.id)::int AS n, coalesce(sum(u.size), 0)::text AS bytes,
            count(u.id) FILTER (WHERE u.created_at >= d.started_at)::int AS n_draft,
            coalesce(sum(u.size) FILTER (WHERE u.created_at >= d.started_at), 0)::text AS bytes_draft
       FROM channel_accounts c
       LEFT JOIN LATERAL (SELECT a.started_at FROM assessments a WHERE a.person_id = c.person_id
                             AND a.status IN ('in_progress', 'needs_more') ORDER BY a.started_at DESC LIMIT 1) d ON true
       LEFT JOIN web_uploads u ON u.web_account = c.external_id
      WHERE c.channel = 'web' AND c.external_id = $1
      GROUP BY c.state, d.started_at`,
    [u.account, u.clientEventId],
  );
  const r = rows[0];
  // A retry of a stored upload goes on to the pipeline, which answers "duplicate".
  if (r?.retry) return null;
  const size = u.size;
  if (!r || !r.step || !PHOTO_STEPS.has(r.step)) {
    return { code: "not_expected", message: "No photo is asked for at this step: answer the question on screen first." };
  }
  const over = (n: number, bytes: string, cap: { count: number; bytes: number }) => n + 1 > cap.count || Number(bytes) + size > cap.bytes;
  if (over(r.n, r.bytes, quota.perAccount) || over(r.n_draft, r.bytes_draft, quota.perAssessment)) {
    return {
      code: "upload_quota",
      message: `Photo limit reached (${quota.perAssessment.count} per assessment, ${quota.perAccount.count} in all): the photos already sent are kept; continue with the questions.`,
    };
  }
  return null;
}
