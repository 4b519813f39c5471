import { describe, expect, it } from "vitest";
import { numberQuestion } from "../../../rules/questions/number.ts";
import type { NumberQuestion } from "../../../rules/index.ts";

const q: NumberQuestion = {
  id: "hours",
  type: "number",
  prompt: { vi: "Bao nhiêu giờ?" },
  required: true,
  min: 0,
  max: 100,
  integer: true,
  bands: [
    { min: 5, points: 1 },
    { min: 20, points: 3 },
    { min: 40, points: 5 },
  ],
};
const fractional: NumberQuestion = { ...q, integer: undefined };

describe("number", () => {
  it("accepts whole numbers in [min, max]", () => {
    for (const value of [0, 1, 99, 100]) expect(numberQuestion.validate(q, value)).toBeNull();
  });
  it("rejects values outside the range or not whole as out_of_range", () => {
    for (const value of [-1, 101, 2.5, -0.5]) expect(numberQuestion.validate(q, value)).toBe("out_of_range");
    expect(numberQuestion.validate(fractional, 2.5)).toBeNull();
    expect(numberQuestion.validate(fractional, 100.01)).toBe("out_of_range");
  });
  it("rejects non-numbers and non-finite numbers as wrong_type", () => {
    for (const value of ["5", NaN, Infinity, -Infinity, null, true, [5]]) expect(numberQuestion.validate(q, value)).toBe("wrong_type");
  });
  it("earns the band with the largest min not above the value, 0 below the first band", () => {
    const cases: [number, number][] = [[0, 0], [4, 0], [5, 1], [19, 1], [20, 3], [39, 3], [40, 5], [100, 5]];
    for (const [value, points] of cases) expect(numberQuestion.points(q, value), String(value)).toBe(points);
    expect(numberQuestion.points(fractional, 4.999)).toBe(0);
  });
  it("has the best reachable band as its maximum", () => {
    expect(numberQuestion.maxPoints(q)).toBe(5);
    expect(numberQuestion.maxPoints({ ...q, max: 30 })).toBe(3);
    expect(numberQuestion.maxPoints({ ...q, min: 50, bands: [{ min: 0, points: 9 }, { min: 40, points: 2 }] })).toBe(2);
  });
  it("reports min above max, unsorted bands and unreachable bands", () => {
    const raw = { min: 10, max: 5, bands: [{ min: 0 }, { min: 3 }, { min: 3 }, { min: 1 }, { min: 8 }, { min: "x" }] };
    expect(numberQuestion.checkStructure(raw, "q").map((p) => p.path)).toEqual(["q.min", "q.bands[2].min", "q.bands[3].min", "q.bands[4].min"]);
    expect(numberQuestion.checkStructure({ min: 0, max: 10, bands: [{ min: 0 }, { min: 10 }] }, "q")).toEqual([]);
  });
});
