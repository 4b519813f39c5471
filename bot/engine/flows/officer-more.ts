// "Yêu cầu bổ sung": the officer picks which answers need more (one button per question, ticked in
// place, several at once), optionally taps a common request or types a note, then "Gửi". The picked
// question ids travel in the officer's state (awaiting.picked) and with the decision to the citizen,
// whose "Sửa bài" then walks exactly those questions.
import { visibleQuestions, type CriteriaSet } from "../../../rules/index.ts";
import type { ReviewCard } from "../../review.ts";
import type { Button, CriteriaCatalog } from "../../types.ts";
import { fillAddress } from "../address.ts";
import { questionLabels } from "../answers.ts";
import { truncate } from "../text.ts";
import { column, recordButton, rows, say, tr, type Turn } from "../turn.ts";
import { REASON_CODES } from "./officer-needs.ts";
import { officerState, setOfficerState } from "./officer-state.ts";
import { reasonLabel } from "./officer-decide.ts";
import { aboutCitizen } from "./officer-card.ts";

const TOGGLES_PER_ROW = 4;

/** The questions an officer may name: those the citizen's answers make visible, in set order. */
export function nameableQuestions(set: CriteriaSet | undefined, answers: ReviewCard["answers"]): string[] {
  return set ? visibleQuestions(set, answers).map((q) => q.id) : [];
}

/** "3, 6a": question ids as the citizen's review numbers them. */
export function questionNames(criteria: CriteriaCatalog, setId: string, setVersion: string, ids: readonly string[]): string {
  const set = criteria.get(setId, setVersion);
  const labels = set ? questionLabels(set).labels : new Map<string, string>();
  return ids.map((id) => labels.get(id) ?? id).join(", ");
}

/** The picker: questions as toggles, the common requests, "Gửi". */
export function morePicker(turn: Turn, card: ReviewCard, picked: readonly string[], inPlace: boolean): void {
  const { t, lang } = tr(turn);
  const set = turn.ctx.criteria.get(card.setId, card.setVersion);
  const ids = nameableQuestions(set, card.answers);
  const labels = set ? questionLabels(set).labels : new Map<string, string>();
  const questions = set ? visibleQuestions(set, card.answers) : [];
  const about = aboutCitizen(turn, card);
  const lines = questions.map((q) => `${labels.get(q.id) ?? q.id}. ${truncate(fillAddress(q.prompt, lang, about), 60)}`);
  const toggles: Button[] = ids.map((id, i) =>
    recordButton(`${picked.includes(id) ? "✓ " : ""}${labels.get(id) ?? id}`, "mt", card.assessmentId, String(i)),
  );
  const chosen = picked.length > 0 ? questionNames(turn.ctx.criteria, card.setId, card.setVersion, picked) : t(lang, "officer.more_none");
  const replaces = inPlace ? turn.tappedMessageId : undefined;
  say(turn, {
    title: t(lang, "officer.more_pick_title", { name: card.fullName ?? t(lang, "officer_notice.no_name") }),
    text: [t(lang, "officer.ask_more", { name: card.fullName ?? t(lang, "officer_notice.no_name") }), "", ...lines, "", t(lang, "officer.more_picked", { questions: chosen })].join("\n"),
    buttons: [
      ...rows(toggles, TOGGLES_PER_ROW),
      ...column(REASON_CODES.needs_more.map((code) => recordButton(reasonLabel(t, lang, code), "mc", card.assessmentId, code))),
      [recordButton(t(lang, "officer.more_send"), "ms", card.assessmentId)],
    ],
    ...(replaces !== undefined ? { replaces } : {}),
  });
}

/** "Yêu cầu bổ sung" on a card: nothing picked yet; a typed note is awaited meanwhile. */
export function askMore(turn: Turn, card: ReviewCard): void {
  const officer = officerState(turn.s);
  setOfficerState(turn.s, { ...officer, awaiting: { id: card.assessmentId, decision: "needs_more", at: turn.ctx.now.getTime(), picked: [] } });
  morePicker(turn, card, [], false);
}

/** A tick on one question (R.mt.<id>.<index>): picked or unpicked, the picker shown again in place. */
export function toggleQuestion(turn: Turn, args: readonly string[]): boolean {
  const review = turn.ctx.review?.card;
  if (!review?.ok || review.card.status !== "submitted" || args[1] === undefined || !/^\d{1,3}$/.test(args[1])) return false;
  const card = review.card;
  const id = nameableQuestions(turn.ctx.criteria.get(card.setId, card.setVersion), card.answers)[Number(args[1])];
  if (id === undefined) return false;
  const officer = officerState(turn.s);
  const before = officer.awaiting?.id === card.assessmentId && officer.awaiting.decision === "needs_more" ? officer.awaiting.picked ?? [] : [];
  const picked = before.includes(id) ? before.filter((q) => q !== id) : [...before, id];
  setOfficerState(turn.s, { ...officer, awaiting: { id: card.assessmentId, decision: "needs_more", at: turn.ctx.now.getTime(), picked } });
  morePicker(turn, card, picked, true);
  return true;
}
