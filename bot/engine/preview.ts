// A criteria set as a citizen would see it, for the admin's preview before publishing: the intro and
// every question in set order, rendered by the same code that asks it in chat (flows/assessment.ts).
import { allQuestions, type CriteriaSet, type ShowIf } from "../../rules/index.ts";
import type { Lang, OutMessage, Translate } from "../types.ts";
import { questionLabels } from "./answers.ts";
import { questionMessage } from "./flows/assessment.ts";
import { initialState } from "./state.ts";
import { evaluationYear } from "./text.ts";
import { newTurn, tr } from "./turn.ts";

export interface PreviewQuestion {
  id: string;
  /** "6", or "6a" for a follow-up. */
  label: string;
  /** Asked only when an earlier answer matches (the label of that question and the condition). */
  shownIf?: { label: string } & ShowIf;
  message: OutMessage;
}

export interface SetPreview {
  intro: string;
  questions: PreviewQuestion[];
}

export function previewSet(set: CriteriaSet, options: { t: Translate; lang: Lang; now: Date; timeZone: string }): SetPreview {
  const state = initialState(options.lang);
  state.profile.targetGroup = set.targetGroup;
  const year = evaluationYear(options.now, options.timeZone);
  state.assessment = { setId: set.id, setVersion: set.version, year, answers: {}, evidence: {} };
  const turn = newTurn(state, {
    now: options.now,
    t: options.t,
    timeZone: options.timeZone,
    consentVersion: "",
    units: { byCode: () => undefined, suggest: () => undefined },
    criteria: { current: () => set, get: () => set },
  });
  const { labels, total } = questionLabels(set);
  const { t, lang } = tr(turn);
  const questions = allQuestions(set).map(({ question: q }, index): PreviewQuestion => {
    const label = labels.get(q.id) ?? String(index + 1);
    const message = questionMessage(turn, { set, q, index, label, total, view: { t, lang } }, { edit: false });
    return { id: q.id, label, ...(q.showIf ? { shownIf: { label: labels.get(q.showIf.question) ?? q.showIf.question, ...q.showIf } } : {}), message };
  });
  return { intro: t(lang, "assessment.intro", { year, number: total }), questions };
}
