// The criteria set of the assessment in progress, and what the current answers make visible.
import {
  visibleQuestions,
  type AnswerValue,
  type Answers,
  type CriteriaSet,
  type Indicator,
  type Question,
  type CompetencyGroup,
} from "../../rules/index.ts";
import type { EvidenceRef } from "../types.ts";
import type { AssessmentState } from "./state.ts";
import type { Turn } from "./turn.ts";

/** The exact set version the assessment started with, or undefined when it is gone. */
export function assessmentSet(turn: Turn): CriteriaSet | undefined {
  const a = turn.s.assessment;
  return a ? turn.ctx.criteria.get(a.setId, a.setVersion) : undefined;
}

/**
 * Answers of visible questions only. Hiding a question may hide others that depend on it, so this
 * repeats until nothing more is dropped.
 */
export function pruneAnswers(set: CriteriaSet, answers: Answers): Answers {
  let current: Answers = { ...answers };
  for (;;) {
    const visible = new Set(visibleQuestions(set, current).map((q) => q.id));
    const next: Answers = {};
    for (const [id, value] of Object.entries(current)) if (visible.has(id)) next[id] = value;
    if (Object.keys(next).length === Object.keys(current).length) return next;
    current = next;
  }
}

/** The questions to ask, in set order. */
export function visible(set: CriteriaSet, answers: Answers): Question[] {
  return visibleQuestions(set, pruneAnswers(set, answers));
}

export function pruneEvidence(
  set: CriteriaSet,
  a: AssessmentState,
): Record<string, EvidenceRef[]> {
  const ids = new Set(visible(set, a.answers).map((q) => q.id));
  const out: Record<string, EvidenceRef[]> = {};
  for (const [id, refs] of Object.entries(a.evidence)) if (ids.has(id) && refs.length > 0) out[id] = refs;
  return out;
}

export interface Located {
  question: Question;
  indicator: Indicator;
  group: CompetencyGroup;
}

export function locate(set: CriteriaSet, qid: string): Located | undefined {
  for (const group of set.groups) {
    for (const indicator of group.indicators) {
      const question = indicator.questions.find((q) => q.id === qid);
      if (question) return { question, indicator, group };
    }
  }
  return undefined;
}

export function findIndicator(set: CriteriaSet, id: string): Indicator | undefined {
  for (const group of set.groups) for (const indicator of group.indicators) if (indicator.id === id) return indicator;
  return undefined;
}

export function isAnswered(answers: Answers, qid: string): boolean {
  return Object.hasOwn(answers, qid);
}

/** The first visible required question without an answer. */
export function firstMissing(set: CriteriaSet, answers: Answers): Question | undefined {
  return visible(set, answers).find((q) => q.required && !isAnswered(answers, q.id));
}

export function cloneAnswer(value: AnswerValue): AnswerValue {
  return Array.isArray(value) ? [...value] : value;
}

/**
 * The number shown for each question: main questions (without showIf) count 1, 2, 3 …; a follow-up
 * shown because of an earlier answer takes its main question's number and a letter (6a, 6b), so the
 * total announced at the start never grows.
 */
export function questionLabels(set: CriteriaSet): { labels: Map<string, string>; total: number } {
  const labels = new Map<string, string>();
  let n = 0;
  let follow = 0;
  for (const group of set.groups) {
    for (const indicator of group.indicators) {
      for (const q of indicator.questions) {
        if (q.showIf === undefined || n === 0) {
          n += 1;
          follow = 0;
          labels.set(q.id, String(n));
        } else {
          labels.set(q.id, `${n}${String.fromCharCode(97 + Math.min(follow++, 25))}`);
        }
      }
    }
  }
  return { labels, total: n };
}

/** "Chỉ số" numbers: indicators counted 1–10 across the groups, in set order. */
export function indicatorNumber(set: CriteriaSet, indicatorId: string): number {
  let n = 0;
  for (const group of set.groups) {
    for (const indicator of group.indicators) {
      n += 1;
      if (indicator.id === indicatorId) return n;
    }
  }
  return 0;
}
