// The criteria_sets table: uploaded drafts and published versions of criteria sets. Every SQL statement
// about criteria sets lives here. The current set of a target group is its most recently published one.
import type pg from "pg";
import type { CriteriaSet, TargetGroup } from "../../rules/index.ts";
import { contentHash } from "../../rules/index.ts";
import { AppError } from "../errors.ts";

type Queryable = Pick<pg.Pool, "query"> | pg.PoolClient;

export interface CriteriaSetRecord {
  /** The row's id (a draft's handle for preview and publish). */
  key: string;
  setId: string;
  version: string;
  targetGroup: TargetGroup;
  hash: string;
  status: "draft" | "published";
  uploadedBy: string;
  publishedBy: string | null;
  uploadedAt: Date;
  publishedAt: Date | null;
}

export interface PublishedBody {
  setId: string;
  version: string;
  targetGroup: TargetGroup;
  hash: string;
  publishedAt: Date;
  body: unknown;
}

const COLUMNS = `id AS key, set_id AS "setId", version, target_group::text AS "targetGroup", content_hash AS hash,
  status::text AS status, uploaded_by AS "uploadedBy", published_by AS "publishedBy", uploaded_at AS "uploadedAt",
  published_at AS "publishedAt"`;

/** Serialises publishing (and the first load of the shipped sets). */
const PUBLISH_LOCK = 72707402;

/**
 * Loads the shipped sets as published versions when no set is published yet (a new database). Safe when
 * several processes start at once: one takes the lock, the others then see the rows. Returns how many
 * sets were loaded.
 */
export async function seedIfEmpty(pool: pg.Pool, sets: CriteriaSet[], at: Date = new Date()): Promise<number> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    await client.query(`SELECT pg_advisory_xact_lock($1)`, [PUBLISH_LOCK]);
    const { rows } = await client.query(`SELECT 1 FROM criteria_sets WHERE status = 'published' LIMIT 1`);
    if (rows.length === 0) {
      // In file order, a millisecond apart, so that the newest version of a group is its current one.
      const ordered = [...sets].sort((a, b) => a.version.localeCompare(b.version, "en", { numeric: true }));
      for (const [i, set] of ordered.entries()) {
        await client.query(
          `INSERT INTO criteria_sets (set_id, version, target_group, content_hash, body, status, uploaded_by, published_by, uploaded_at, published_at)
           VALUES ($1, $2, $3::target_group, $4, $5, 'published', 'shipped', 'shipped', $6, $6)`,
          [set.id, set.version, set.targetGroup, contentHash(set), JSON.stringify(set), new Date(at.getTime() + i)],
        );
      }
    }
    await client.query("COMMIT");
    return rows.length === 0 ? sets.length : 0;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/** How many versions are published and the latest publishing time: published rows never change, so equal means unchanged. */
export async function publishedFingerprint(db: Queryable): Promise<string> {
  const { rows } = await db.query<{ n: number; last: Date | null }>(`SELECT count(*)::int AS n, max(published_at) AS last FROM criteria_sets WHERE status = 'published'`);
  return `${rows[0]!.n}@${rows[0]!.last?.toISOString() ?? ""}`;
}

/** Every published version, oldest first (the catalog's input). */
export async function publishedSets(db: Queryable): Promise<PublishedBody[]> {
  const { rows } = await db.query<PublishedBody>(
    `SELECT set_id AS "setId", version, target_group::text AS "targetGroup", content_hash AS hash, published_at AS "publishedAt", body
       FROM criteria_sets WHERE status = 'published' ORDER BY published_at, set_id, version`,
  );
  return rows;
}

/** The published row of a set id and version, if any. */
export async function publishedVersion(db: Queryable, setId: string, version: string): Promise<CriteriaSetRecord | undefined> {
  const { rows } = await db.query<CriteriaSetRecord>(`SELECT ${COLUMNS} FROM criteria_sets WHERE set_id = $1 AND version = $2 AND status = 'published'`, [setId, version]);
  return rows[0];
}

/** Stores a clean, parsed set as a draft; `andThen` (the audit entry) runs in the same transaction. */
export async function insertDraft(
  pool: pg.Pool,
  set: CriteriaSet,
  hash: string,
  by: string,
  andThen: (client: pg.PoolClient, record: CriteriaSetRecord) => Promise<void> = async () => {},
): Promise<CriteriaSetRecord> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    const { rows } = await client.query<CriteriaSetRecord>(
      `INSERT INTO criteria_sets (set_id, version, target_group, content_hash, body, uploaded_by)
       VALUES ($1, $2, $3::target_group, $4, $5, $6) RETURNING ${COLUMNS}`,
      [set.id, set.version, set.targetGroup, hash, JSON.stringify(set), by],
    );
    await andThen(client, rows[0]!);
    await client.query("COMMIT");
    return rows[0]!;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/** A row (draft or published) with its body. */
export async function setByKey(db: Queryable, key: string): Promise<(CriteriaSetRecord & { body: unknown }) | undefined> {
  const { rows } = await db.query<CriteriaSetRecord & { body: unknown }>(`SELECT ${COLUMNS}, body FROM criteria_sets WHERE id = $1::uuid`, [key]);
  return rows[0];
}

/** Every row, newest first, with whether it is its target group's current set. */
export async function listSets(db: Queryable): Promise<(CriteriaSetRecord & { current: boolean })[]> {
  const { rows } = await db.query<CriteriaSetRecord & { current: boolean }>(
    `SELECT ${COLUMNS},
            (status = 'published' AND id = (SELECT c.id FROM criteria_sets c WHERE c.target_group = s.target_group AND c.status = 'published'
                                             ORDER BY c.published_at DESC, c.id DESC LIMIT 1)) AS current
       FROM criteria_sets s ORDER BY target_group, coalesce(published_at, uploaded_at) DESC, id`,
  );
  return rows;
}

export type PublishOutcome = { kind: "published"; record: CriteriaSetRecord } | { kind: "unchanged"; record: CriteriaSetRecord };

/**
 * Publishes a draft: it becomes its target group's current set. The same content under a version that is
 * already published changes nothing ("unchanged"); different content under it is refused (409).
 */
export async function publishDraft(
  pool: pg.Pool,
  key: string,
  by: string,
  /** Runs in the publishing transaction (the audit entry), only when the set is published now. */
  andThen: (client: pg.PoolClient, record: CriteriaSetRecord) => Promise<void> = async () => {},
  at: Date = new Date(),
): Promise<PublishOutcome> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    await client.query(`SELECT pg_advisory_xact_lock($1)`, [PUBLISH_LOCK]);
    const draft = await setByKey(client, key);
    if (!draft) throw new AppError(404, "criteria_set_not_found", `No uploaded criteria set ${key}; upload it first (POST /api/v1/criteria-sets).`);
    const published = draft.status === "published" ? draft : await publishedVersion(client, draft.setId, draft.version);
    if (published) {
      if (published.hash !== draft.hash) throw versionTaken(draft.setId, draft.version, published.hash, draft.hash);
      await client.query("COMMIT");
      return { kind: "unchanged", record: published };
    }
    // Later than every published row, so that it is current even when the clock stepped back.
    const { rows } = await client.query<CriteriaSetRecord>(
      `UPDATE criteria_sets SET status = 'published', published_by = $2,
              published_at = greatest($3::timestamptz, (SELECT max(published_at) + interval '1 millisecond' FROM criteria_sets WHERE status = 'published'))
        WHERE id = $1::uuid RETURNING ${COLUMNS}`,
      [key, by, at],
    );
    await andThen(client, rows[0]!);
    await client.query("COMMIT");
    return { kind: "published", record: rows[0]! };
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

export function versionTaken(setId: string, version: string, publishedHash: string, givenHash: string): AppError {
  return new AppError(
    409,
    "criteria_version_published",
    `Version ${version} of set ${setId} is already published with different content; give the changed set a new version number.`,
    { setId, version, publishedHash, uploadedHash: givenHash },
  );
}
