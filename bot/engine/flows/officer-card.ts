// A submission as officers see it: the card (who, group, unit, total and verdict, points per indicator
// with the low ones marked, evidence count, the decision buttons) and its answers page by page.
import { localText, visibleQuestions, type CriteriaSet, type ScoreResult } from "../../../rules/index.ts";
import type { ReviewCard } from "../../review.ts";
import type { Button, CriteriaCatalog, Lang, OutMessage, Translate } from "../../types.ts";
import { questionModule } from "../questions/registry.ts";
import { formatNumber, truncate } from "../text.ts";
import { addressAt, recordButton, type Turn } from "../turn.ts";
import { groupName } from "../labels.ts";
import { addressWord, fillAddress } from "../address.ts";

export const DETAIL_PAGE_SIZE = 5;
const MAX_PHOTOS_PER_PAGE = 10;


export function verdictName(t: Translate, lang: Lang, verdict: string | null): string {
  if (verdict === "dat") return t(lang, "officer.verdict_dat");
  if (verdict === "chua_dat") return t(lang, "officer.verdict_chua_dat");
  return t(lang, "officer.verdict_incomplete");
}

function lowBelow(set: CriteriaSet | undefined, max: number): number {
  return set?.rules.minPerIndicator ?? max / 2;
}

function indicatorLines(t: Translate, lang: Lang, set: CriteriaSet | undefined, score: ScoreResult | null): string[] {
  if (!score) return [];
  return score.indicators.map((x, i) => {
    const indicator = set?.groups.flatMap((g) => g.indicators).find((ind) => ind.id === x.id);
    const title = truncate(indicator ? localText(indicator.title, lang) : x.id, 60);
    const line = t(lang, "officer.card_indicator", { n: i + 1, title, points: formatNumber(x.points, lang), max: formatNumber(x.max, lang) });
    return x.points < lowBelow(set, x.max) ? `${line} ${t(lang, "officer.card_low")}` : line;
  });
}

/**
 * Whom the set's questions are about when an officer reads them: the citizen, by the form of address
 * their own chat uses and their name ("ông/bà Y Moan"). A question's {{you}} is filled with it.
 */
export function aboutCitizen(turn: Turn, card: Pick<ReviewCard, "fullName" | "birthYear" | "targetGroup">): string {
  const { t } = turn.ctx;
  const lang = turn.s.lang;
  const address = addressWord(t, lang, addressAt(turn.ctx, { birthYear: card.birthYear, targetGroup: card.targetGroup }));
  return card.fullName
    ? t(lang, "officer.question_about", { address, name: card.fullName })
    : t(lang, "officer.question_about_no_name");
}

/** The decision buttons of a submission. */
export function decisionButtons(t: Translate, lang: Lang, assessmentId: string): Button[][] {
  return [
    [recordButton(t(lang, "officer.confirm"), "ok", assessmentId), recordButton(t(lang, "officer.reject"), "no", assessmentId)],
    [recordButton(t(lang, "officer.more"), "nm", assessmentId), recordButton(t(lang, "officer.details"), "vw", assessmentId, "0")],
  ];
}

/** The card: a notice of a new (or resubmitted) submission, or one opened from the queue. */
export function cardMessage(t: Translate, lang: Lang, criteria: CriteriaCatalog, card: ReviewCard, title: "new" | "open"): OutMessage {
  const set = criteria.get(card.setId, card.setVersion);
  const n = (x: number | null) => (x === null ? "–" : formatNumber(x, lang));
  const lines = [
    t(lang, "officer.card_who", { name: card.fullName ?? t(lang, "officer_notice.no_name"), year: card.birthYear ?? "–" }),
    t(lang, "officer.card_group", { group: groupName(t, lang, card.targetGroup) }),
    t(lang, "officer.card_unit", { unit: card.unitName, code: card.unitCode }),
    t(lang, "officer.card_total", { total: n(card.total), max: n(card.score?.max ?? null), verdict: verdictName(t, lang, card.verdict) }),
    ...indicatorLines(t, lang, set, card.score),
    t(lang, "officer.card_evidence", { n: card.evidenceCount }),
  ];
  return {
    title: title === "new" ? t(lang, "officer.card_title_new", { year: card.year }) : t(lang, "officer.card_title", { year: card.year }),
    text: lines.join("\n"),
    buttons: decisionButtons(t, lang, card.assessmentId),
  };
}

/** The photos of one details page's answers that this officer's platform can show (sent before the page). */
export function detailPhotos(t: Translate, lang: Lang, criteria: CriteriaCatalog, card: ReviewCard, page: number): OutMessage[] {
  const set = criteria.get(card.setId, card.setVersion);
  const questions = set ? visibleQuestions(set, card.answers) : [];
  const pages = Math.max(1, Math.ceil(questions.length / DETAIL_PAGE_SIZE));
  const first = Math.min(Math.max(0, page), pages - 1) * DETAIL_PAGE_SIZE;
  const out: OutMessage[] = [];
  questions.slice(first, first + DETAIL_PAGE_SIZE).forEach((q, i) => {
    (card.evidence[q.id] ?? []).forEach((r, k) => {
      const photo = card.evidenceShow?.[r.ref]?.photo;
      if (photo && out.length < MAX_PHOTOS_PER_PAGE) {
        out.push({ text: t(lang, "officer.details_photo", { n: first + i + 1, k: k + 1, name: card.fullName ?? t(lang, "officer_notice.no_name") }), photo });
      }
    });
  });
  return out;
}

/**
 * The answers of a submission, one page, with the evidence each has; links where the platform gave one.
 * `about`: whom the questions are about (aboutCitizen).
 */
export function detailsMessage(t: Translate, lang: Lang, criteria: CriteriaCatalog, card: ReviewCard, page: number, about: string): OutMessage {
  const set = criteria.get(card.setId, card.setVersion);
  const questions = set ? visibleQuestions(set, card.answers) : [];
  const pages = Math.max(1, Math.ceil(questions.length / DETAIL_PAGE_SIZE));
  const p = Math.min(Math.max(0, page), pages - 1);
  const first = p * DETAIL_PAGE_SIZE;
  const lines = questions.slice(first, first + DETAIL_PAGE_SIZE).map((q, i) => {
    const value = card.answers[q.id];
    const answer = value === undefined ? t(lang, "review.skipped") : truncate(questionModule(q).summary(q, value, { t, lang }), 120);
    const refs = card.evidence[q.id] ?? [];
    // With the server's evidenceShow: the links this officer can open (web uploads signed for them);
    // photos go as messages of their own (detailPhotos). Without it: the platforms' plain links.
    const links = card.evidenceShow
      ? refs.flatMap((r) => (card.evidenceShow![r.ref]?.link ? [card.evidenceShow![r.ref]!.link!] : []))
      : refs.filter((r) => /^https?:\/\//.test(r.ref)).map((r) => r.ref);
    const hidden = card.evidenceShow ? refs.filter((r) => !card.evidenceShow![r.ref]).length : 0;
    const proof = refs.length > 0
      ? `\n${t(lang, "officer.details_evidence", { n: refs.length })}${links.length ? ` ${links.join(" ")}` : ""}${hidden > 0 ? ` ${t(lang, "officer.details_evidence_elsewhere", { n: hidden })}` : ""}`
      : "";
    return `${first + i + 1}. ${truncate(fillAddress(q.prompt, lang, about), 120)}\n→ ${answer}${proof}`;
  });
  const nav: Button[] = [];
  if (p > 0) nav.push(recordButton(t(lang, "review.prev"), "vw", card.assessmentId, String(p - 1)));
  if (p < pages - 1) nav.push(recordButton(t(lang, "review.next"), "vw", card.assessmentId, String(p + 1)));
  return {
    title: t(lang, "officer.details_title", { name: card.fullName ?? t(lang, "officer_notice.no_name"), page: p + 1, pages }),
    text: lines.length > 0 ? lines.join("\n") : t(lang, "officer.details_none"),
    buttons: [...(nav.length > 0 ? [nav] : []), ...decisionButtons(t, lang, card.assessmentId)],
  };
}
