import { describe, expect, it } from "vitest";
import { multiChoice } from "../../../rules/questions/multi_choice.ts";
import type { MultiChoiceQuestion } from "../../../rules/index.ts";

const q: MultiChoiceQuestion = {
  id: "q",
  type: "multi_choice",
  prompt: { vi: "Câu?" },
  required: true,
  maxPoints: 5,
  options: [
    { id: "a", label: { vi: "A" }, points: 2 },
    { id: "b", label: { vi: "B" }, points: 2 },
    { id: "c", label: { vi: "C" }, points: 3 },
  ],
};
const uncapped: MultiChoiceQuestion = { ...q, maxPoints: undefined };

describe("multi_choice", () => {
  it("accepts arrays of option ids, including the empty array and repeats", () => {
    for (const value of [[], ["a"], ["c", "a"], ["a", "a"]]) expect(multiChoice.validate(q, value)).toBeNull();
  });
  it("rejects non-arrays and arrays with non-strings as wrong_type, unknown ids as unknown_option", () => {
    for (const value of ["a", 1, true, null, { 0: "a" }, ["a", 1], [null]]) expect(multiChoice.validate(q, value)).toBe("wrong_type");
    expect(multiChoice.validate(q, ["a", "d"])).toBe("unknown_option");
    expect(multiChoice.validate(q, ["d", 1])).toBe("wrong_type");
  });
  it("sums distinct options and caps at maxPoints", () => {
    expect(multiChoice.points(q, [])).toBe(0);
    expect(multiChoice.points(q, ["a"])).toBe(2);
    expect(multiChoice.points(q, ["a", "a", "a"])).toBe(2);
    expect(multiChoice.points(q, ["a", "b"])).toBe(4);
    expect(multiChoice.points(q, ["a", "b", "c"])).toBe(5);
    expect(multiChoice.points(uncapped, ["a", "b", "c", "c"])).toBe(7);
  });
  it("has the capped sum of all options as its maximum", () => {
    expect(multiChoice.maxPoints(q)).toBe(5);
    expect(multiChoice.maxPoints(uncapped)).toBe(7);
  });
  it("reports duplicate option ids", () => {
    expect(multiChoice.checkStructure({ options: [{ id: "x" }, { id: "x" }] }, "q")).toEqual([
      { path: "q.options[1].id", message: 'duplicate option id "x" (first at q.options[0].id)' },
    ]);
  });
});
