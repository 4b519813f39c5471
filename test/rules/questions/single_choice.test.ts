import { describe, expect, it } from "vitest";
import { singleChoice } from "../../../rules/questions/single_choice.ts";
import type { SingleChoiceQuestion } from "../../../rules/index.ts";

const q: SingleChoiceQuestion = {
  id: "q",
  type: "single_choice",
  prompt: { vi: "Câu?" },
  required: true,
  options: [
    { id: "a", label: { vi: "A" }, points: 0 },
    { id: "b", label: { vi: "B" }, points: 2.5 },
    { id: "c", label: { vi: "C" }, points: 7 },
  ],
};

describe("single_choice", () => {
  it("accepts an option id", () => {
    expect(singleChoice.validate(q, "b")).toBeNull();
  });
  it("rejects other option ids and other types", () => {
    expect(singleChoice.validate(q, "B")).toBe("unknown_option");
    expect(singleChoice.validate(q, "")).toBe("unknown_option");
    for (const value of [1, true, ["a"], null, undefined, {}]) expect(singleChoice.validate(q, value)).toBe("wrong_type");
  });
  it("earns the chosen option's points", () => {
    expect(["a", "b", "c"].map((v) => singleChoice.points(q, v))).toEqual([0, 2.5, 7]);
  });
  it("has the best option's points as its maximum", () => {
    expect(singleChoice.maxPoints(q)).toBe(7);
  });
  it("reports duplicate option ids with their paths", () => {
    const raw = { options: [{ id: "a" }, { id: "b" }, { id: "a" }, "junk", { id: "b" }] };
    expect(singleChoice.checkStructure(raw, "p").map((p) => p.path)).toEqual(["p.options[2].id", "p.options[4].id"]);
    expect(singleChoice.checkStructure({ options: "nope" }, "p")).toEqual([]);
  });
});
