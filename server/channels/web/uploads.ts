// Evidence photos from the web chat, stored in PostgreSQL (table web_uploads) so that every app process
// can serve them to officers later. The type is taken from the file's first bytes, not from the header.
import { createHash } from "node:crypto";
import type pg from "pg";

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
