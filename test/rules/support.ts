// Helpers for the rules tests (not a test file itself).
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { parseCriteriaSet, questionPoints } from "../../rules/index.ts";
import type { AnswerValue, Answers, CriteriaSet, Question } from "../../rules/index.ts";
import { allQuestions } from "../../rules/index.ts";

export const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const FIXTURES = join(REPO_ROOT, "test/rules/fixtures");
export const SETS_DIR = join(REPO_ROOT, "rules/sets");

export function readJson(path: string): unknown {
  return JSON.parse(readFileSync(path, "utf8"));
}

/** Parses a set or fails the test with its problems. */
export function mustParse(json: unknown): CriteriaSet {
  const outcome = parseCriteriaSet(json);
  if (!outcome.ok) throw new Error(`set does not parse:\n${outcome.problems.map((p) => `${p.path}: ${p.message}`).join("\n")}`);
  return outcome.set;
}

export const SHIPPED_FILES = readdirSync(SETS_DIR).filter((name) => name.endsWith(".json")).sort();
export const shippedSets: CriteriaSet[] = SHIPPED_FILES.map((name) => mustParse(readJson(join(SETS_DIR, name))));

/** Every valid answer value worth trying for a question (all options, band edges, both booleans). */
export function candidateValues(question: Question): AnswerValue[] {
  switch (question.type) {
    case "single_choice":
      return question.options.map((o) => o.id);
    case "multi_choice":
      return [[], ...question.options.map((o) => [o.id]), question.options.map((o) => o.id)];
    case "number": {
      const edges = [question.min, question.max, ...question.bands.flatMap((b) => [b.min, b.min - 1])];
      return edges.filter((v) => v >= question.min && v <= question.max);
    }
    case "yes_no":
      return [true, false];
  }
}

function pick(question: Question, better: (a: number, b: number) => boolean): AnswerValue {
  let best = candidateValues(question)[0]!;
  for (const value of candidateValues(question)) {
    if (better(questionPoints(question, value), questionPoints(question, best))) best = value;
  }
  return best;
}

/** The highest-scoring answer to every question. */
export function bestAnswers(set: CriteriaSet): Answers {
  return Object.fromEntries(allQuestions(set).map(({ question }) => [question.id, pick(question, (a, b) => a > b)]));
}

/** The lowest-scoring answer to every question. */
export function worstAnswers(set: CriteriaSet): Answers {
  return Object.fromEntries(allQuestions(set).map(({ question }) => [question.id, pick(question, (a, b) => a < b)]));
}

/** Any valid answer to a question (multi_choice answers may repeat options). */
export function valueArb(question: Question): fc.Arbitrary<AnswerValue> {
  switch (question.type) {
    case "single_choice":
      return fc.constantFrom(...question.options.map((o) => o.id));
    case "multi_choice":
      return fc.array(fc.constantFrom(...question.options.map((o) => o.id)), { maxLength: question.options.length + 2 });
    case "number":
      return question.integer
        ? fc.integer({ min: Math.ceil(question.min), max: Math.floor(question.max) })
        : fc.double({ min: question.min, max: question.max, noNaN: true });
    case "yes_no":
      return fc.boolean();
  }
}

/** Answers to every question of the set (visible or not). */
export function fullAnswersArb(set: CriteriaSet): fc.Arbitrary<Answers> {
  const shape: Record<string, fc.Arbitrary<AnswerValue>> = {};
  for (const { question } of allQuestions(set)) shape[question.id] = valueArb(question);
  return fc.record(shape);
}

/** Answers to any subset of the questions. */
export function partialAnswersArb(set: CriteriaSet): fc.Arbitrary<Answers> {
  const shape: Record<string, fc.Arbitrary<AnswerValue>> = {};
  for (const { question } of allQuestions(set)) shape[question.id] = valueArb(question);
  return fc.record(shape, { requiredKeys: [] }) as fc.Arbitrary<Answers>;
}

/** Answers to every question, mostly the best ones: such answers are often dat. */
export function nearBestAnswersArb(set: CriteriaSet): fc.Arbitrary<Answers> {
  const best = bestAnswers(set);
  const shape: Record<string, fc.Arbitrary<AnswerValue>> = {};
  for (const { question } of allQuestions(set)) {
    shape[question.id] = fc.oneof({ weight: 4, arbitrary: fc.constant(best[question.id]!) }, { weight: 1, arbitrary: valueArb(question) });
  }
  return fc.record(shape);
}
