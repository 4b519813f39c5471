// An assessment's answers as the dashboard shows them: in the order of the criteria set version the
// assessment began with, numbered as the chat numbers them, each question's text in the dashboard's
// language (the citizen addressed neutrally, as in the criteria preview) and the answer in words by the
// chat's own rendering (choice labels, yes/no, numbers with their unit). An answer to a question the
// set does not have, or to a set that is no longer loaded, keeps its id and raw value.
import { addressParams, addressWord, fillAddress } from "../../bot/engine/address.ts";
import { questionLabels } from "../../bot/engine/answers.ts";
import { questionModule } from "../../bot/engine/questions/registry.ts";
import { createTranslateSync } from "../../bot/i18n.ts";
import type { Lang, Translate } from "../../bot/types.ts";
import { allQuestions, checkAnswer, visibleQuestions, type AnswerValue, type Answers, type CriteriaSet } from "../../rules/index.ts";

export interface AnswerLine {
  id: string;
  /** "6", or "6a" for a follow-up; none when the set does not have the question. */
  label?: string;
  /** The question's text; none when the set does not have the question. */
  question?: string;
  /** The answer in words; none for a question shown to the citizen but not answered. */
  answer?: string;
}

const botT = createTranslateSync();

const raw = (v: unknown) => (Array.isArray(v) ? v.join(", ") : typeof v === "object" && v !== null ? JSON.stringify(v) : String(v));

export function answerLines(set: CriteriaSet | undefined, answers: Record<string, unknown>, lang: Lang): AnswerLine[] {
  const given = answers as Answers;
  const lines: AnswerLine[] = [];
  const known = new Set<string>();
  if (set) {
    const you = addressWord(botT, lang, "unknown");
    const t: Translate = (l, key, params) => botT(l, key, { ...addressParams(you), ...params });
    const { labels } = questionLabels(set);
    const shown = new Set(visibleQuestions(set, given).map((q) => q.id));
    for (const { question: q } of allQuestions(set)) {
      known.add(q.id);
      const answered = Object.hasOwn(given, q.id);
      if (!answered && !shown.has(q.id)) continue;
      const value = given[q.id];
      const question = fillAddress(q.prompt, lang, you);
      const answer = !answered ? undefined
        : checkAnswer(q, value) === null ? questionModule(q).summary(q, value as AnswerValue, { t, lang })
        : raw(value);
      lines.push({ id: q.id, label: labels.get(q.id), question, ...(answer === undefined ? {} : { answer }) });
    }
  }
  for (const [id, value] of Object.entries(answers)) if (!known.has(id)) lines.push({ id, answer: raw(value) });
  return lines;
}
