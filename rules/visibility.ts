// Which questions are shown: a question with a showIf is visible when the question it refers to is
// visible and that question's answer satisfies the condition (so hiding A hides everything under A).
import { setIndex, ownerOf, type SetIndex } from "./set-index.ts";
import type { AnswerValue, Answers, CriteriaSet, Question, ShowIf } from "./types.ts";

/** The answer to `id`, ignoring inherited properties; undefined when unanswered. */
export function answerOf(answers: Answers, id: string): AnswerValue | undefined {
  return Object.hasOwn(answers, id) ? answers[id] : undefined;
}

/** Exact equality: arrays must have the same items in the same order. */
export function answerEquals(a: AnswerValue, b: AnswerValue): boolean {
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }
  return a === b;
}

export function conditionHolds(showIf: ShowIf, value: AnswerValue | undefined): boolean {
  if (value === undefined) return false;
  if ("equals" in showIf) return answerEquals(value, showIf.equals);
  for (const candidate of showIf.in) if (answerEquals(value, candidate)) return true;
  return false;
}

/**
 * Fills visible[i] (1/0) for every question of the set in one pass in set order. `values[i]` holds the
 * answer of the i-th question; `answers` is only consulted for a showIf the index could not resolve.
 */
export function computeVisibility(index: SetIndex, values: readonly (AnswerValue | undefined)[], answers: Answers, visible: Uint8Array): void {
  const entries = index.entries;
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i]!;
    const showIf = entry.question.showIf;
    const parent = entry.parent;
    if (showIf === undefined) visible[i] = 1;
    else if (parent < 0) visible[i] = conditionHolds(showIf, answerOf(answers, showIf.question)) ? 1 : 0;
    else visible[i] = visible[parent] === 1 && conditionHolds(showIf, values[parent]) ? 1 : 0;
  }
}

/** The answers of the set's questions in set order (undefined when unanswered). */
export function answerValues(index: SetIndex, answers: Answers): (AnswerValue | undefined)[] {
  return index.entries.map((entry) => answerOf(answers, entry.question.id));
}

/**
 * Whether `question` is shown given `answers`. Visibility chains through the questions its showIf
 * refers to, which needs the set: pass it, or use a question object taken from a set that was parsed
 * or scored before. Without a known set only the question's own condition is checked.
 */
export function isVisible(question: Question, answers: Answers, set?: CriteriaSet): boolean {
  const owner = set ?? ownerOf(question);
  const index = owner === undefined ? undefined : setIndex(owner);
  let entry = index?.byId.get(question.id);
  if (index === undefined || entry === undefined) {
    return question.showIf === undefined || conditionHolds(question.showIf, answerOf(answers, question.showIf.question));
  }
  while (entry !== undefined) {
    const showIf = entry.question.showIf;
    if (showIf === undefined) return true;
    if (!conditionHolds(showIf, answerOf(answers, showIf.question))) return false;
    entry = entry.parent >= 0 ? index.entries[entry.parent] : undefined;
  }
  return true;
}

/** The visible questions of the set, in set order. */
export function visibleQuestions(set: CriteriaSet, answers: Answers): Question[] {
  const index = setIndex(set);
  const visible = new Uint8Array(index.entries.length);
  computeVisibility(index, answerValues(index, answers), answers, visible);
  const out: Question[] = [];
  for (let i = 0; i < visible.length; i++) if (visible[i] === 1) out.push(index.entries[i]!.question);
  return out;
}
