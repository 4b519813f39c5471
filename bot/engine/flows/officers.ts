// What the unit's officers are told about a citizen's assessment (submitted, withdrawn): addressed
// messages, rendered in each officer's language. Officer review (issue 12) builds the review itself.
import type { Lang, Translate } from "../../types.ts";
import { formatNumber } from "../text.ts";
import { verdictName } from "../labels.ts";
import { sayTo, type Turn } from "../turn.ts";
import type { ScoreResult } from "../../../rules/index.ts";
import type { ReviewCard } from "../../review.ts";
import { cardMessage } from "./officer-card.ts";

function who(turn: Turn, t: Translate, lang: Lang): { name: string; unit: string } {
  const p = turn.s.profile;
  return { name: p.fullName ?? t(lang, "officer_notice.no_name"), unit: p.unitName ?? p.unitCode ?? "" };
}

/**
 * The citizen submitted: the unit's officers learn that an assessment waits for them. With officer review
 * on the server (ctx.review.submission), each officer to tell now gets the card with its decision
 * buttons (the unit's officers, or the parent unit's when it has none; those who chose the daily digest
 * hear of it there); without it, the unit's officers get a plain notice.
 */
export function tellOfficersSubmitted(turn: Turn, result?: ScoreResult): void {
  const unitId = turn.s.profile.unitId;
  const a = turn.s.assessment;
  if (unitId === undefined || !a?.submitted) return;
  const submission = turn.ctx.review?.submission;
  if (submission && result) {
    const p = turn.s.profile;
    const card: ReviewCard = {
      assessmentId: submission.assessmentId, status: "submitted", citizenPersonId: turn.ctx.personId ?? null,
      fullName: p.fullName ?? null, birthYear: p.birthYear ?? null, targetGroup: p.targetGroup ?? "resident",
      unitName: p.unitName ?? "", unitCode: p.unitCode ?? "", setId: a.setId, setVersion: a.setVersion, year: a.year,
      total: result.total, verdict: result.verdict, score: result, answers: a.answers, evidence: a.evidence,
      evidenceCount: Object.values(a.evidence).reduce((n, list) => n + list.length, 0), submittedAt: turn.ctx.now.toISOString(),
    };
    for (const personId of submission.notify) {
      sayTo(turn, { kind: "person", personId }, (lang) => ({ ...cardMessage(turn.ctx.t, lang, turn.ctx.criteria, card, "new"), subject: card.assessmentId }), "notice");
    }
    return;
  }
  const { t } = turn.ctx;
  const { total, max, verdict } = a.submitted;
  sayTo(turn, { kind: "unit_officers", unitId }, (lang) => ({
    title: t(lang, "officer_notice.submitted_title"),
    text: t(lang, "officer_notice.submitted", {
      ...who(turn, t, lang),
      year: a.year,
      total: formatNumber(total, lang),
      max: formatNumber(max, lang),
      verdict: verdictName(t, lang, verdict),
    }),
  }));
}

/** The citizen took a submitted assessment back: it leaves the officers' queue. */
export function tellOfficersWithdrawn(turn: Turn): void {
  const unitId = turn.s.profile.unitId;
  const a = turn.s.assessment;
  if (unitId === undefined || !a) return;
  const { t } = turn.ctx;
  const withdrawing = turn.ctx.review?.withdrawing;
  if (withdrawing) {
    // Each officer's card is replaced in place (Telegram edits it, the web chat re-renders it) by the
    // news, without its decision buttons; where the platform cannot edit (Zalo) this is a short notice.
    for (const notice of withdrawing.notices) {
      sayTo(turn, { kind: "account", accountId: notice.accountId }, (lang) => ({
        title: t(lang, "officer_notice.withdrawn_title"),
        text: t(lang, "officer_notice.withdrawn", { ...who(turn, t, lang), year: a.year }),
        ...(notice.messageId !== null ? { replaces: notice.messageId } : {}),
      }), "notice");
    }
    return;
  }
  sayTo(turn, { kind: "unit_officers", unitId }, (lang) => ({
    text: t(lang, "officer_notice.withdrawn", { ...who(turn, t, lang), year: a.year }),
  }));
}
