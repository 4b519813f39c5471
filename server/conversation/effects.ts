// Applies the engine's effects to the domain tables, inside the transaction of the inbound event.
import type pg from "pg";
import type { CriteriaCatalog, Effect } from "../../bot/types.ts";

type Tx = Pick<pg.PoolClient, "query">;

export interface Account {
  id: string;
  personId: string | null;
}

const OPEN_DRAFT = `status IN ('in_progress', 'needs_more')`;

async function audit(tx: Tx, action: string, actorId: string | null, assessmentId: string | null, details: object) {
  await tx.query(
    `INSERT INTO audit_log (actor_kind, actor_id, action, assessment_id, details) VALUES ('citizen', $1, $2, $3, $4)`,
    [actorId, action, assessmentId, JSON.stringify(details)],
  );
}

/** Applies effects in order; returns the account's person id afterwards (consent may create one). */
export async function applyEffects(tx: Tx, account: Account, effects: Effect[], catalog: CriteriaCatalog): Promise<string | null> {
  let personId = account.personId;
  for (const effect of effects) {
    switch (effect.type) {
      case "person.consent": {
        if (personId) {
          await tx.query(
            `UPDATE people SET consent_version = $2, consent_at = now(), language = $3, erased_at = NULL, updated_at = now() WHERE id = $1`,
            [personId, effect.consentVersion, effect.language],
          );
        } else {
          const { rows } = await tx.query<{ id: string }>(
            `INSERT INTO people (language, consent_version, consent_at) VALUES ($1, $2, now()) RETURNING id`,
            [effect.language, effect.consentVersion],
          );
          personId = rows[0]!.id;
          await tx.query(`UPDATE channel_accounts SET person_id = $2 WHERE id = $1`, [account.id, personId]);
        }
        break;
      }
      case "person.profile": {
        if (!personId) break; // nothing personal is stored before consent
        await tx.query(
          `UPDATE people SET
             full_name = COALESCE($2, full_name), birth_year = COALESCE($3, birth_year),
             target_group = COALESCE($4::target_group, target_group), unit_id = COALESCE($5::uuid, unit_id),
             language = COALESCE($6, language), phone = COALESCE($7, phone), updated_at = now()
           WHERE id = $1`,
          [personId, effect.fullName ?? null, effect.birthYear ?? null, effect.targetGroup ?? null, effect.unitId ?? null, effect.language ?? null, effect.phone ?? null],
        );
        break;
      }
      case "assessment.start": {
        if (!personId) break;
        const set = catalog.get(effect.setId, effect.setVersion);
        const { rows } = await tx.query<{ id: string }>(
          `INSERT INTO assessments (person_id, unit_id, target_group, set_id, set_version, year)
           SELECT p.id, p.unit_id, COALESCE($5::target_group, p.target_group), $2, $3, $4 FROM people p WHERE p.id = $1
           ON CONFLICT (person_id, year) WHERE status NOT IN ('withdrawn', 'rejected') DO NOTHING
           RETURNING id`,
          [personId, effect.setId, effect.setVersion, effect.year, set?.targetGroup ?? null],
        );
        if (rows.length === 0) {
          // A draft of this year is still open (a retried start): reset it to the requested set.
          await tx.query(
            `UPDATE assessments SET set_id = $2, set_version = $3, answers = '{}', evidence = '{}', updated_at = now()
              WHERE person_id = $1 AND year = $4 AND ${OPEN_DRAFT}`,
            [personId, effect.setId, effect.setVersion, effect.year],
          );
        }
        break;
      }
      case "assessment.progress": {
        if (!personId) break;
        await tx.query(
          `UPDATE assessments SET answers = $2, evidence = $3, updated_at = now() WHERE person_id = $1 AND ${OPEN_DRAFT}`,
          [personId, JSON.stringify(effect.answers), JSON.stringify(effect.evidence)],
        );
        break;
      }
      case "assessment.submit": {
        if (!personId) break;
        const { rows } = await tx.query<{ id: string }>(
          `UPDATE assessments SET status = 'submitted', answers = $2, evidence = $3, score = $4, total = $5,
                  verdict = $6, submitted_at = now(), updated_at = now()
            WHERE person_id = $1 AND ${OPEN_DRAFT} RETURNING id`,
          [personId, JSON.stringify(effect.answers), JSON.stringify(effect.evidence), JSON.stringify(effect.result), effect.result.total, effect.result.verdict],
        );
        await audit(tx, "assessment.submit", personId, rows[0]?.id ?? null, { verdict: effect.result.verdict, total: effect.result.total });
        break;
      }
      case "assessment.withdraw": {
        if (!personId) break;
        const { rows } = await tx.query<{ id: string }>(
          `UPDATE assessments SET status = 'withdrawn', updated_at = now()
            WHERE person_id = $1 AND status IN ('in_progress', 'needs_more', 'submitted') RETURNING id`,
          [personId],
        );
        for (const row of rows) await audit(tx, "assessment.withdraw", personId, row.id, {});
        break;
      }
      case "person.optout":
        if (personId) await tx.query(`UPDATE people SET opt_out_at = now(), updated_at = now() WHERE id = $1`, [personId]);
        break;
      case "person.optin":
        if (personId) await tx.query(`UPDATE people SET opt_out_at = NULL, updated_at = now() WHERE id = $1`, [personId]);
        break;
      case "person.erase": {
        if (!personId) break;
        // Keep anonymous counts (unit, year, status, total, verdict); drop everything personal.
        await tx.query(
          `UPDATE assessments SET person_id = NULL, answers = '{}', evidence = '{}', score = NULL, updated_at = now()
            WHERE person_id = $1`,
          [personId],
        );
        await tx.query(`DELETE FROM officers WHERE person_id = $1`, [personId]);
        await tx.query(`UPDATE channel_accounts SET person_id = NULL WHERE person_id = $1`, [personId]);
        await tx.query(`DELETE FROM people WHERE id = $1`, [personId]);
        await tx.query(
          `INSERT INTO audit_log (actor_kind, action, details) VALUES ('citizen', 'person.erase', '{}')`,
        );
        personId = null;
        break;
      }
      case "account.unreachable":
        await tx.query(
          `UPDATE channel_accounts SET reachable = false, unreachable_reason = $2, updated_at = now() WHERE id = $1`,
          [account.id, effect.reason],
        );
        break;
    }
  }
  return personId;
}
