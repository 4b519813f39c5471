// The interface every question type implements (one module per type, registered by name in registry.ts).
import type { z } from "zod";
import type { AnswerErrorCode, AnswerValue, Question, SetProblem } from "../types.ts";

export interface QuestionModule<Q extends Question = Question> {
  readonly type: Q["type"];
  /** Zod schema of one question of this type; its output is exactly Q. */
  readonly schema: z.ZodType<Q>;
  /**
   * Checks zod cannot express, run on the raw (possibly invalid) JSON of the question so that every
   * problem of a file is reported at once. Must tolerate any shape; `path` is the question's path.
   */
  checkStructure(raw: Record<string, unknown>, path: string): SetProblem[];
  /** null when `value` is a valid answer to `question`, otherwise why not. */
  validate(question: Q, value: unknown): AnswerErrorCode | null;
  /** Points of a valid answer (the caller validated it). */
  points(question: Q, value: AnswerValue): number;
  /** The most points an answer to this question can earn. */
  maxPoints(question: Q): number;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** One problem per repeated `id` among the records of `items` (paths `<path>[i].id`). */
export function duplicateIds(items: unknown, path: string, what: string): SetProblem[] {
  if (!Array.isArray(items)) return [];
  const first = new Map<string, number>();
  const problems: SetProblem[] = [];
  items.forEach((item, i) => {
    if (!isRecord(item) || typeof item.id !== "string") return;
    const seen = first.get(item.id);
    if (seen === undefined) first.set(item.id, i);
    else problems.push({ path: `${path}[${i}].id`, message: `duplicate ${what} id "${item.id}" (first at ${path}[${seen}].id)` });
  });
  return problems;
}
