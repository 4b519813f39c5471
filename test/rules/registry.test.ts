import { describe, expect, it } from "vitest";
import { QUESTION_TYPES, QUESTION_TYPE_NAMES, questionModule } from "../../rules/registry.ts";
import { checkAnswer, questionMaxPoints, questionPoints } from "../../rules/index.ts";
import type { AnswerValue, Question } from "../../rules/index.ts";

const questions: Question[] = [
  { id: "s", type: "single_choice", prompt: { vi: "?" }, required: true, options: [{ id: "a", label: { vi: "A" }, points: 3 }] },
  { id: "m", type: "multi_choice", prompt: { vi: "?" }, required: true, options: [{ id: "a", label: { vi: "A" }, points: 2 }, { id: "b", label: { vi: "B" }, points: 2 }] },
  { id: "n", type: "number", prompt: { vi: "?" }, required: true, min: 0, max: 10, bands: [{ min: 1, points: 4 }] },
  { id: "y", type: "yes_no", prompt: { vi: "?" }, required: true, yesPoints: 5, noPoints: 1 },
];

describe("registry", () => {
  it("registers one module per type, under its own name", () => {
    expect(QUESTION_TYPE_NAMES).toEqual(["single_choice", "multi_choice", "number", "yes_no"]);
    for (const name of QUESTION_TYPE_NAMES) expect(QUESTION_TYPES[name].type).toBe(name);
  });

  it("dispatches by the question's type", () => {
    for (const q of questions) expect(questionModule(q)).toBe(QUESTION_TYPES[q.type]);
  });

  it("checkAnswer, questionPoints and questionMaxPoints go through the type's module", () => {
    expect(questions.map((q) => checkAnswer(q, "a"))).toEqual([null, "wrong_type", "wrong_type", "wrong_type"]);
    expect(questions.map((q) => checkAnswer(q, 11))).toEqual(["wrong_type", "wrong_type", "out_of_range", "wrong_type"]);
    const answers: AnswerValue[] = ["a", ["a", "b"], 10, true];
    expect(questions.map((q, i) => questionPoints(q, answers[i]!))).toEqual([3, 4, 4, 5]);
    expect(questions.map(questionMaxPoints)).toEqual([3, 4, 4, 5]);
  });

  it("questionPoints gives 0 for an answer checkAnswer rejects", () => {
    expect(questionPoints(questions[0]!, "zz")).toBe(0);
    expect(questionPoints(questions[2]!, 99)).toBe(0);
    expect(questionPoints(questions[3]!, "yes" as never)).toBe(0);
  });
});
