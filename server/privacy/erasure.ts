// What erasing a person removes beyond their chat accounts, for /delete (the engine's person.erase
// effect, server/conversation/effects.ts) and for the retention period's automatic erasure
// (server/privacy/expiry.ts) alike. Anonymous counts stay (unit, year, status, total, verdict, decisions);
// everything personal goes: answers, evidence references, score details, officers' free-text reasons
// (the audit log keeps only reason codes), campaign recipient rows.
import { sql, type Statement } from "../db/statement.ts";

/** The traces of these chats (a SQL table expression of channel, external_id; values bound from $1). */
export function chatTracesErasure(chats: string, values: unknown[]): Statement {
  // Web uploads, and the transcript the web chat reads back from the outbox; "sending" rows are left to
  // the worker that holds them.
  return sql(
    `WITH chats AS ${chats},
     uploads AS (DELETE FROM web_uploads u USING chats c WHERE c.channel = 'web' AND u.web_account = c.external_id)
     DELETE FROM outbox o USING chats c WHERE o.channel = c.channel AND o.recipient = c.external_id AND o.status <> 'sending'`,
    ...values,
  );
}

/** The persons' records in assessments, decisions and campaigns, made anonymous or removed. */
export function personalRecordsErasure(personIds: string[]): Statement[] {
  return [
    sql(`UPDATE assessment_decisions SET reason = NULL, details = '{}' WHERE assessment_id IN (SELECT id FROM assessments WHERE person_id = ANY($1::uuid[]))`, personIds),
    sql(
      `UPDATE assessments SET person_id = NULL, answers = '{}', evidence = '{}', score = NULL, reason = NULL, updated_at = now() WHERE person_id = ANY($1::uuid[])`,
      personIds,
    ),
    // Campaign recipient rows name the person; the per-day counts go with the person (cascade).
    sql(`DELETE FROM campaign_recipients WHERE person_id = ANY($1::uuid[])`, personIds),
  ];
}
