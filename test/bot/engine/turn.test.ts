import { describe, expect, it } from "vitest";
import { initialState } from "../../../bot/engine/index.ts";
import { MAX_TEXT, emit, newTurn, sayLines } from "../../../bot/engine/turn.ts";
import { makeContext } from "../support/context.ts";

describe("turn", () => {
  it("splits long texts between lines, the title on the first message", () => {
    const turn = newTurn(initialState(), makeContext());
    const lines = Array.from({ length: 40 }, (_, i) => `${i} ${"x".repeat(98)}`);
    sayLines(turn, lines, "Title");
    expect(turn.messages.length).toBe(3);
    expect(turn.messages[0]?.title).toBe("Title");
    expect(turn.messages.slice(1).every((m) => m.title === undefined)).toBe(true);
    expect(turn.messages.every((m) => m.text.length <= MAX_TEXT)).toBe(true);
    expect(turn.messages.map((m) => m.text).join("\n")).toBe(lines.join("\n"));
  });

  it("cuts a single overlong line", () => {
    const turn = newTurn(initialState(), makeContext());
    sayLines(turn, ["y".repeat(5000)]);
    expect(turn.messages.map((m) => m.text.length)).toEqual([MAX_TEXT]);
  });

  it("emits copies of effects", () => {
    const turn = newTurn(initialState(), makeContext());
    const answers = { q: ["a"] };
    emit(turn, { type: "assessment.progress", answers, evidence: {} });
    answers.q.push("b");
    expect(turn.effects).toEqual([{ type: "assessment.progress", answers: { q: ["a"] }, evidence: {} }]);
  });
});
