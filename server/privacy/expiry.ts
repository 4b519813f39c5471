// The consent's promise on time, kept: a citizen's data is kept in the evaluation year and
// PERSONAL_DATA_YEARS_AFTER years after it ("Lưu bao lâu" in locales/*/bot.json consent.text), then
// erased as /delete erases it (server/conversation/effects.ts "person.erase"): the profile, the answers,
// evidence references and scores (the anonymous counts stay), officers' free-text reasons, web chat
// photos, the chat transcripts of every account, campaign recipient rows, and the conversation state.
//
// A person's last evaluation year is the latest of: the years of their assessments, and the evaluation
// year (EVALUATION_YEAR_CUTOFF applies) of their last message on any account and of their consent.
// With N years after, a person whose last year is Y is erased from 1 January Y+N+1 (in TIME_ZONE).
// Officers are not citizens under this promise and are never erased here.
//
// Runs daily on the shared Scheduler (server/schedule/scheduler.ts). Each batch is one transaction that
// first locks the persons' chat accounts (the inbound pipeline locks an account the same way), then
// checks the condition again, so a citizen who writes at that moment is not erased.
import type pg from "pg";
import type { Logger } from "pino";
import { evaluationYear } from "../../bot/engine/text.ts";
import { forgetPersonsAccounts, lockPersonsAccounts, personActiveSinceSql, personsChatsSql } from "../accounts/sql.ts";
import { chatTracesErasure, personalRecordsErasure } from "./erasure.ts";

export interface ExpirySettings {
  /** Years kept after the evaluation year (PERSONAL_DATA_YEARS_AFTER). */
  yearsAfter: number;
  timeZone: string;
  /** EVALUATION_YEAR_CUTOFF ("01-DD"), if any. */
  yearCutoff?: string;
}

const BATCH = 500;

/**
 * Persons past the promised period. $1: the last expired evaluation year; $2: the start of the next
 * evaluation year (a timestamp): any activity from then on keeps the person. $3: a filter on ids (or NULL).
 */
const EXPIRED = `
SELECT p.id FROM people p
 WHERE p.created_at < $2::timestamptz
   AND coalesce(p.consent_at, p.created_at) < $2::timestamptz
   AND ($3::uuid[] IS NULL OR p.id = ANY($3::uuid[]))
   AND NOT EXISTS (SELECT 1 FROM officers o WHERE o.person_id = p.id)
   AND NOT EXISTS (SELECT 1 FROM assessments a WHERE a.person_id = p.id AND a.year > $1::int)
   AND NOT ${personActiveSinceSql("p.id", "$2::timestamptz")}
 ORDER BY p.id LIMIT ${BATCH}`;

/** The last evaluation year whose data is past the period now, and when the next evaluation year began. */
export function expiryBounds(now: Date, s: ExpirySettings): { lastExpiredYear: number; cutoffDay: number } {
  const current = evaluationYear(now, s.timeZone);
  const cutoffDay = s.yearCutoff ? Number(s.yearCutoff.slice(3)) : 0;
  return { lastExpiredYear: current - s.yearsAfter - 1, cutoffDay };
}

async function eraseBatch(client: pg.PoolClient, lastExpiredYear: number, boundary: string): Promise<{ found: number; erased: number }> {
  await client.query("BEGIN");
  try {
    const candidates = (await client.query<{ id: string }>(EXPIRED, [lastExpiredYear, boundary, null])).rows.map((r) => r.id);
    if (candidates.length === 0) {
      await client.query("COMMIT");
      return { found: 0, erased: 0 };
    }
    // Lock as the pipeline does (its account row FOR UPDATE), then check again with what is committed now.
    const lock = lockPersonsAccounts(candidates);
    await client.query(lock.text, lock.values);
    await client.query(`SELECT id FROM people WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`, [candidates]);
    const ids = (await client.query<{ id: string }>(EXPIRED, [lastExpiredYear, boundary, candidates])).rows.map((r) => r.id);
    if (ids.length > 0) {
      for (const statement of [chatTracesErasure(personsChatsSql("$1::uuid[]"), [ids]), ...personalRecordsErasure(ids)]) {
        await client.query(statement.text, statement.values);
      }
      const forget = forgetPersonsAccounts(ids);
      await client.query(forget.text, forget.values);
      await client.query(`DELETE FROM people WHERE id = ANY($1::uuid[])`, [ids]);
      await client.query(
        `INSERT INTO audit_log (actor_kind, action, details)
         SELECT 'system', 'person.erase', jsonb_build_object('reason', 'retention', 'lastYear', $2::int) FROM unnest($1::uuid[])`,
        [ids, lastExpiredYear],
      );
    }
    await client.query("COMMIT");
    return { found: candidates.length, erased: ids.length };
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  }
}

/** Erases every person past the promised period at `now`; returns how many were erased. */
export async function eraseExpired(pool: pg.Pool, s: ExpirySettings, now: Date): Promise<number> {
  const { lastExpiredYear, cutoffDay } = expiryBounds(now, s);
  const client = await pool.connect();
  try {
    // The first moment of evaluation year lastExpiredYear + 1, in the deployment's time zone.
    const { rows } = await client.query<{ at: string }>(
      `SELECT ((make_date($1::int, 1, 1) + $2::int)::timestamp AT TIME ZONE $3::text)::text AS at`,
      [lastExpiredYear + 1, cutoffDay, s.timeZone],
    );
    const boundary = rows[0]!.at;
    let erased = 0;
    for (;;) {
      const batch = await eraseBatch(client, lastExpiredYear, boundary);
      erased += batch.erased;
      // A full batch may hide more; one whose candidates all wrote meanwhile ends this run.
      if (batch.found < BATCH || batch.erased === 0) return erased;
    }
  } finally {
    client.release();
  }
}

/** The daily task for the scheduler; `every` and `now` for tests (a fake clock). */
export function expiryTask(opts: { pool: pg.Pool; logger: Logger; settings: ExpirySettings; every?: number; now?: () => Date }) {
  return {
    name: "personal-data-expiry",
    ...(opts.every !== undefined ? { every: opts.every } : { pattern: "30 2 * * *" }),
    async run() {
      const erased = await eraseExpired(opts.pool, opts.settings, (opts.now ?? (() => new Date()))());
      if (erased > 0) opts.logger.info({ erased, yearsAfter: opts.settings.yearsAfter }, "personal data past the promised period erased");
    },
  };
}
