import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { findQuestion, isVisible, visibleQuestions, allQuestions } from "../../rules/index.ts";
import { answerEquals } from "../../rules/visibility.ts";
import type { CriteriaSet, Question } from "../../rules/index.ts";
import { FIXTURES, mustParse, readJson } from "./support.ts";

// A -> B -> C chain, D -> E with an array condition, F on A with `in`.
const set = mustParse((readJson(join(FIXTURES, "score/visibility.json")) as { set: unknown }).set);
const q = (id: string): Question => findQuestion(set, id)!;
const ids = (questions: Question[]) => questions.map((x) => x.id);

describe("visibleQuestions", () => {
  it("lists visible questions in set order", () => {
    expect(ids(visibleQuestions(set, {}))).toEqual(["A", "D"]);
    expect(ids(visibleQuestions(set, { A: "use" }))).toEqual(["A", "B", "D", "F"]);
    expect(ids(visibleQuestions(set, { A: "use", B: "often", D: ["m1", "m2"] }))).toEqual(["A", "B", "C", "D", "E", "F"]);
  });

  it("hides the whole chain when its head is hidden, whatever the stale answers below say", () => {
    expect(ids(visibleQuestions(set, { A: "none", B: "often", C: true }))).toEqual(["A", "D", "F"]);
  });
});

describe("isVisible", () => {
  it("follows chains for questions of a parsed set", () => {
    expect(isVisible(q("C"), { A: "use", B: "often" })).toBe(true);
    expect(isVisible(q("C"), { A: "none", B: "often" })).toBe(false);
    expect(isVisible(q("A"), {})).toBe(true);
  });

  it("follows chains for a set passed explicitly, even if it was never parsed", () => {
    const copy = structuredClone(set) as CriteriaSet;
    const c = copy.groups[0]!.indicators[0]!.questions[2]!;
    expect(isVisible(structuredClone(c), { A: "none", B: "often" }, copy)).toBe(false);
    expect(isVisible(structuredClone(c), { A: "use", B: "often" }, copy)).toBe(true);
  });

  it("checks only the question's own condition when its set is unknown", () => {
    const loose = structuredClone(q("C"));
    expect(isVisible(loose, { A: "none", B: "often" })).toBe(true);
    expect(isVisible(loose, { B: "rarely" })).toBe(false);
  });

  it("matches `in` against each value and arrays exactly", () => {
    expect(isVisible(q("F"), { A: "none" })).toBe(true);
    expect(isVisible(q("E"), { D: ["m1", "m2"] })).toBe(true);
    expect(isVisible(q("E"), { D: ["m2", "m1"] })).toBe(false);
    expect(isVisible(q("E"), { D: ["m1", "m2", "m2"] })).toBe(false);
  });

  it("ignores inherited properties of the answers object", () => {
    const answers = Object.create({ A: "use" }) as Record<string, string>;
    expect(isVisible(q("B"), answers)).toBe(false);
  });
});

describe("answerEquals", () => {
  it("is exact", () => {
    expect(answerEquals("a", "a")).toBe(true);
    expect(answerEquals(["a"], "a")).toBe(false);
    expect(answerEquals("a", ["a"])).toBe(false);
    expect(answerEquals([], [])).toBe(true);
    expect(answerEquals(1, 1)).toBe(true);
    expect(answerEquals(1, "1")).toBe(false);
    expect(answerEquals(true, true)).toBe(true);
    expect(answerEquals(false, true)).toBe(false);
  });
});

describe("allQuestions and findQuestion", () => {
  it("list every question with its indicator and group in set order", () => {
    expect(allQuestions(set).map((e) => `${e.group.id}/${e.indicator.id}/${e.question.id}`)).toEqual([
      "g/i1/A", "g/i1/B", "g/i1/C", "g/i2/D", "g/i2/E", "g/i2/F",
    ]);
  });
  it("find a question by id, or nothing", () => {
    expect(findQuestion(set, "E")?.type).toBe("yes_no");
    expect(findQuestion(set, "toString")).toBeUndefined();
  });
});
