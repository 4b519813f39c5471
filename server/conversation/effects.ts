// The engine's effects as SQL statements over the domain tables. Statements only: the pipeline sends
// them with the rest of the event's transaction in one round trip (db/statement.ts). New ids are made
// here, not returned by the database, so that no statement depends on another's result.
import { randomUUID } from "node:crypto";
import type { CriteriaCatalog, Effect } from "../../bot/types.ts";
import {
  erasedChatsSql,
  forgetOtherConversations,
  linkPerson,
  optedOutElsewhere,
  unlinkPerson,
  unreachableById,
  webAccountIdSql,
} from "../accounts/store.ts";
import { campaignOptOut } from "../campaigns/optouts.ts";
import { sql, type Statement } from "../db/statement.ts";
import { chatTracesErasure, personalRecordsErasure } from "../privacy/erasure.ts";

export interface Account {
  id: string;
  personId: string | null;
}

/** "web-upload:<uuid>" (server/channels/web/uploads.ts uploadRef). */
const WEB_UPLOAD_REF = /^web-upload:([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;

const OPEN_DRAFT = `status IN ('in_progress', 'needs_more')`;

/** Statements for the effects, in order, and the account's person id after them. */
export function effectStatements(
  account: Account,
  effects: Effect[],
  catalog: CriteriaCatalog,
): { statements: Statement[]; personId: string | null } {
  const out: Statement[] = [];
  let personId = account.personId;
  for (const effect of effects) {
    const p = personId;
    switch (effect.type) {
      case "person.consent":
        if (p) {
          out.push(sql(
            `UPDATE people SET consent_version = $2, consent_at = now(), language = $3, erased_at = NULL, updated_at = now() WHERE id = $1`,
            p, effect.consentVersion, effect.language,
          ));
        } else {
          personId = randomUUID();
          out.push(sql(`INSERT INTO people (id, language, consent_version, consent_at) VALUES ($1, $2, $3, now())`, personId, effect.language, effect.consentVersion));
          out.push(linkPerson(account.id, personId));
        }
        break;
      case "person.profile":
        if (!p) break; // nothing personal is stored before consent
        out.push(sql(
          `UPDATE people SET
             full_name = COALESCE($2, full_name), birth_year = COALESCE($3, birth_year),
             target_group = COALESCE($4::target_group, target_group), unit_id = COALESCE($5::uuid, unit_id),
             language = COALESCE($6, language), phone = COALESCE($7, phone),
             guardian_consent_at = CASE WHEN $8 THEN COALESCE(guardian_consent_at, now()) ELSE guardian_consent_at END,
             updated_at = now()
           WHERE id = $1`,
          p, effect.fullName ?? null, effect.birthYear ?? null, effect.targetGroup ?? null, effect.unitId ?? null, effect.language ?? null, effect.phone ?? null,
          effect.guardianConsent === true,
        ));
        break;
      case "assessment.start": {
        if (!p) break;
        const group = catalog.get(effect.setId, effect.setVersion)?.targetGroup ?? null;
        // A draft of this year still open (a retried start) is reset to the requested set instead.
        out.push(sql(
          `UPDATE assessments SET set_id = $2, set_version = $3, answers = '{}', evidence = '{}', updated_at = now()
            WHERE person_id = $1 AND year = $4 AND ${OPEN_DRAFT}`,
          p, effect.setId, effect.setVersion, effect.year,
        ));
        out.push(sql(
          `INSERT INTO assessments (person_id, unit_id, target_group, set_id, set_version, year)
           SELECT p.id, p.unit_id, COALESCE($5::target_group, p.target_group), $2, $3, $4 FROM people p WHERE p.id = $1
           ON CONFLICT (person_id, year) WHERE status NOT IN ('withdrawn', 'rejected') DO NOTHING`,
          p, effect.setId, effect.setVersion, effect.year, group,
        ));
        break;
      }
      case "assessment.progress":
        if (!p) break;
        out.push(sql(
          `UPDATE assessments SET answers = $2, evidence = $3, updated_at = now() WHERE person_id = $1 AND ${OPEN_DRAFT}`,
          p, JSON.stringify(effect.answers), JSON.stringify(effect.evidence),
        ));
        break;
      case "assessment.submit":
        if (!p) break;
        out.push(sql(
          `WITH s AS (
             UPDATE assessments SET status = 'submitted', answers = $2, evidence = $3, score = $4, total = $5,
                    verdict = $6, submitted_at = now(), updated_at = now()
              WHERE person_id = $1 AND ${OPEN_DRAFT} RETURNING id)
           INSERT INTO audit_log (actor_kind, actor_id, action, assessment_id, details)
           SELECT 'citizen', $1, 'assessment.submit', s.id, $7 FROM s`,
          p, JSON.stringify(effect.answers), JSON.stringify(effect.evidence), JSON.stringify(effect.result),
          effect.result.total, effect.result.verdict, JSON.stringify({ verdict: effect.result.verdict, total: effect.result.total }),
        ));
        break;
      case "assessment.withdraw":
        if (!p) break;
        out.push(sql(
          `WITH w AS (
             UPDATE assessments SET status = 'withdrawn', updated_at = now()
              WHERE person_id = $1 AND status IN ('in_progress', 'needs_more', 'submitted') RETURNING id)
           INSERT INTO audit_log (actor_kind, actor_id, action, assessment_id)
           SELECT 'citizen', $1, 'assessment.withdraw', w.id FROM w`,
          p,
        ));
        break;
      case "person.optout":
        if (!p) break;
        out.push(sql(`UPDATE people SET opt_out_at = now(), updated_at = now() WHERE id = $1`, p));
        out.push(optedOutElsewhere(p, account.id, true));
        if (effect.campaign) {
          const attributed = campaignOptOut(p, effect.campaign);
          if (attributed) out.push(attributed);
        }
        break;
      case "person.optin":
        if (!p) break;
        out.push(sql(`UPDATE people SET opt_out_at = NULL, updated_at = now() WHERE id = $1`, p));
        out.push(optedOutElsewhere(p, account.id, false));
        break;
      case "person.erase":
        // The account's own traces go even before consent: its web uploads and the transcript of every
        // chat of the person (the web chat reads its history back from the outbox). Replies of this very
        // step are inserted after these statements, so the confirmation itself is kept and delivered.
        out.push(chatTracesErasure(erasedChatsSql("$1::uuid", "$2"), [account.id, p]));
        if (!p) break;
        out.push(...personalRecordsErasure([p]));
        out.push(sql(`DELETE FROM officers WHERE person_id = $1`, p));
        out.push(forgetOtherConversations(p, account.id));
        out.push(unlinkPerson(p));
        out.push(sql(`DELETE FROM people WHERE id = $1`, p));
        out.push(sql(`INSERT INTO audit_log (actor_kind, action) VALUES ('citizen', 'person.erase')`));
        personId = null;
        break;
      case "attachment.discard": {
        // Only our web chat keeps a copy of an attachment before a step uses it (Telegram and Zalo
        // keep theirs on the platform): a refused one is deleted in the same transaction.
        const upload = WEB_UPLOAD_REF.exec(effect.ref);
        if (upload) {
          out.push(sql(`DELETE FROM web_uploads WHERE id = $2::uuid AND web_account = ${webAccountIdSql("$1::uuid")}`, account.id, upload[1]!));
        }
        break;
      }
      case "account.unreachable":
        out.push(unreachableById(account.id, effect.reason));
        break;
    }
  }
  return { statements: out, personId };
}
