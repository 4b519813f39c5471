import { describe, expect, it } from "vitest";
import { yesNo } from "../../../rules/questions/yes_no.ts";
import type { YesNoQuestion } from "../../../rules/index.ts";

const q: YesNoQuestion = { id: "q", type: "yes_no", prompt: { vi: "Có không?" }, required: true, yesPoints: 0, noPoints: 4 };

describe("yes_no", () => {
  it("accepts booleans only", () => {
    expect(yesNo.validate(q, true)).toBeNull();
    expect(yesNo.validate(q, false)).toBeNull();
    for (const value of ["yes", "true", 1, 0, null, [true]]) expect(yesNo.validate(q, value)).toBe("wrong_type");
  });
  it("earns yesPoints or noPoints", () => {
    expect(yesNo.points(q, true)).toBe(0);
    expect(yesNo.points(q, false)).toBe(4);
    expect(yesNo.points({ ...q, yesPoints: 3, noPoints: 1 }, true)).toBe(3);
  });
  it("has the better of the two as its maximum", () => {
    expect(yesNo.maxPoints(q)).toBe(4);
    expect(yesNo.maxPoints({ ...q, yesPoints: 6 })).toBe(6);
  });
});
