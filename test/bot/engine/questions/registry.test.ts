// The renderers and parsers of each question type, registered by name.
import { describe, expect, it } from "vitest";
import { checkAnswer, type Question } from "../../../../rules/index.ts";
import { questionModule, questionTypes } from "../../../../bot/engine/questions/registry.ts";
import type { QuestionView } from "../../../../bot/engine/questions/types.ts";
import { keyTranslate } from "../../support/context.ts";

const view: QuestionView = { t: keyTranslate, lang: "vi" };
const base = { prompt: { vi: "?" }, required: true };
const single: Question = {
  ...base,
  id: "s",
  type: "single_choice",
  options: [
    { id: "a", label: { vi: "Một", en: "One" }, points: 0 },
    { id: "b", label: { vi: "Hai" }, points: 5 },
  ],
};
const multi: Question = {
  ...base,
  id: "m",
  type: "multi_choice",
  options: [
    { id: "x", label: { vi: "X" }, points: 1 },
    { id: "y", label: { vi: "Y" }, points: 1 },
    { id: "z", label: { vi: "Z" }, points: 1 },
  ],
};
const yesNo: Question = { ...base, id: "y", type: "yes_no", yesPoints: 1, noPoints: 0 };
const whole: Question = { ...base, id: "n", type: "number", min: 0, max: 80, integer: true, unit: { vi: "giờ" }, bands: [{ min: 0, points: 0 }] };
const decimal: Question = { ...base, id: "d", type: "number", min: 0, max: 24, bands: [{ min: 0, points: 0 }] };

function text(q: Question, typed: string) {
  return questionModule(q).fromText(q, typed, view);
}

describe("question types", () => {
  it("registers one module per type by name", () => {
    expect(Object.keys(questionTypes).sort()).toEqual(["multi_choice", "number", "single_choice", "yes_no"]);
    for (const [name, module] of Object.entries(questionTypes)) expect(module.type).toBe(name);
  });

  it("single_choice: numbered options, one button each, typed number or label", () => {
    const m = questionModule(single);
    expect(m.body(single, view)).toEqual(["1. Một", "2. Hai", "", "question.single.hint"]);
    expect(m.buttons(single, view)).toEqual([[{ label: "Một", action: "a.0", typed: "1" }], [{ label: "Hai", action: "a.1", typed: "2" }]]);
    expect(text(single, " 2 ")).toEqual({ kind: "answer", value: "b" });
    expect(text(single, "hai")).toEqual({ kind: "answer", value: "b" });
    expect(text(single, "3")).toBeNull();
    expect(text(single, "0")).toBeNull();
    expect(m.fromButton(single, ["a", "1"], view)).toEqual({ kind: "answer", value: "b" });
    expect(m.fromButton(single, ["a", "2"], view)).toBeNull();
    expect(m.fromButton(single, ["t", "0"], view)).toBeNull();
    expect(m.summary(single, "a", { ...view, lang: "en" })).toBe("One");
  });

  it("multi_choice: toggles build a draft, Done answers, typed lists answer at once", () => {
    const m = questionModule(multi);
    expect(m.buttons(multi, { ...view, draft: ["y"] }).map((r) => r[0]!.label)).toEqual(["☐ X", "☑ Y", "☐ Z", "question.multi.done"]);
    expect(m.buttons(multi, { ...view, current: ["x"] })[0]![0]!.label).toBe("☑ X");
    expect(m.fromButton(multi, ["t", "2"], { ...view, draft: ["y"] })).toEqual({ kind: "draft", value: ["y", "z"] });
    expect(m.fromButton(multi, ["t", "1"], { ...view, draft: ["y"] })).toEqual({ kind: "draft", value: [] });
    expect(m.fromButton(multi, ["d"], { ...view, draft: ["z", "x"] })).toEqual({ kind: "answer", value: ["z", "x"] });
    expect(m.fromButton(multi, ["d"], view)).toEqual({ kind: "answer", value: [] });
    expect(m.fromButton(multi, ["t", "3"], view)).toBeNull();
    expect(text(multi, "1 3")).toEqual({ kind: "answer", value: ["x", "z"] });
    expect(text(multi, "3,1")).toEqual({ kind: "answer", value: ["x", "z"] });
    expect(text(multi, "1;1")).toEqual({ kind: "answer", value: ["x"] });
    expect(text(multi, "0")).toEqual({ kind: "answer", value: [] });
    expect(text(multi, "1 4")).toBeNull();
    expect(text(multi, "")).toBeNull();
    expect(m.summary(multi, ["x", "z"], view)).toBe("X; Z");
    expect(m.summary(multi, [], view)).toBe("question.multi.none");
  });

  it("yes_no: Có/Không buttons and typed words", () => {
    const m = questionModule(yesNo);
    expect(m.buttons(yesNo, view)).toEqual([[{ label: "question.yes_no.yes", action: "a.y", typed: "1" }], [{ label: "question.yes_no.no", action: "a.n", typed: "2" }]]);
    for (const yes of ["có", "Có.", "co", "yes", "Y", "1", "vâng"]) expect(text(yesNo, yes), yes).toEqual({ kind: "answer", value: true });
    for (const no of ["không", "Khong", "ko", "no", "2", "chưa"]) expect(text(yesNo, no), no).toEqual({ kind: "answer", value: false });
    expect(text(yesNo, "maybe")).toBeNull();
    expect(m.fromButton(yesNo, ["a", "x"], view)).toBeNull();
  });

  it("number: the range and unit in the text, no buttons; checkAnswer decides", () => {
    const m = questionModule(whole);
    expect(m.buttons(whole, view)).toEqual([]);
    expect(m.body(whole, view)).toEqual(['question.number.hint_integer|{"min":"0","max":"80","unit":" giờ"}']);
    expect(m.invalid(decimal, view)).toBe('question.number.invalid_decimal|{"min":"0","max":"24","unit":""}');
    expect(text(decimal, "12,5")).toEqual({ kind: "answer", value: 12.5 });
    const half = text(whole, "12.5");
    expect(half).toEqual({ kind: "answer", value: 12.5 });
    expect(checkAnswer(whole, 12.5)).not.toBeNull();
    expect(checkAnswer(whole, 81)).not.toBeNull();
    expect(text(whole, "mười")).toBeNull();
    expect(m.summary(whole, 6, view)).toBe("6 giờ");
    expect(m.summary(decimal, 2.5, view)).toBe("2,5");
    expect(m.summary(decimal, 2.5, { ...view, lang: "en" })).toBe("2.5");
  });
});
