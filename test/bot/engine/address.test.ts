// How the bot addresses people, with the real Vietnamese texts: "ông/bà" from about 60, "anh/chị" for
// adults, "bạn" for students – in the bot's own texts and in the questions of the criteria sets – and
// the bot always calls itself "Trợ lý". Also: the evaluation year's January cut-off.
import { describe, expect, it } from "vitest";
import { createTranslateSync } from "../../../bot/i18n.ts";
import { decodeButton, step, TARGET_GROUPS, type ConversationState } from "../../../bot/engine/index.ts";
import type { InboundEvent, OutMessage, StepContext } from "../../../bot/types.ts";
import { loadShippedSets } from "../../../rules/load-file.ts";
import { catalogOf, makeContext } from "../support/context.ts";

const sets = await loadShippedSets();

function run(group: (typeof TARGET_GROUPS)[number], birthYear: string, ctx: StepContext) {
  let state: ConversationState | null = null;
  let messages: OutMessage[] = [];
  const all: OutMessage[] = [];
  const send = (event: InboundEvent) => {
    const r = step(state, event, ctx);
    state = r.state;
    messages = r.messages;
    all.push(...r.messages);
    return r;
  };
  const tap = (action: string) => {
    const b = messages.flatMap((m) => (m.buttons ?? []).flat()).find((x) => decodeButton(x.data)?.action.join(".") === action);
    if (!b) throw new Error(`no ${action} in ${JSON.stringify(messages)}`);
    return send({ type: "button", data: b.data });
  };
  send({ type: "command", name: "start", arg: "u_PHUONG1" });
  tap("c.y");
  tap(`g.${TARGET_GROUPS.indexOf(group)}`);
  send({ type: "text", text: "Nguyễn Văn An" });
  const started = send({ type: "text", text: birthYear });
  return { messages, all, started };
}

const ctx = (now = "2026-10-02T03:00:00Z", yearCutoff?: string) => ({
  ...makeContext({ now, t: createTranslateSync() }),
  criteria: catalogOf(sets),
  ...(yearCutoff ? { yearCutoff } : {}),
});

describe("forms of address", () => {
  it("an older villager (born 1950) is ông/bà, in the bot's texts and in the set's questions", () => {
    const { messages } = run("resident", "1950", ctx());
    const text = messages.map((m) => m.text).join("\n");
    expect(text).toMatch(/Ông\/bà|ông\/bà/);
    expect(text).not.toMatch(/\bbạn\b|anh\/chị|\{\{/i);
  });

  it("an adult worker (born 1985) is anh/chị", () => {
    const { messages } = run("worker", "1985", ctx());
    const text = messages.map((m) => m.text).join("\n");
    expect(text).toMatch(/Anh\/chị|anh\/chị/);
    expect(text).not.toMatch(/\bbạn\b|ông\/bà|\{\{/i);
  });

  it("a student is bạn", () => {
    const { messages } = run("student", "2005", ctx());
    const text = messages.map((m) => m.text).join("\n");
    expect(text).toMatch(/\bbạn\b|\bBạn\b/);
    expect(text).not.toMatch(/ông\/bà|anh\/chị|\{\{/i);
  });

  it("the bot calls itself Trợ lý, never chúng tôi or mình", () => {
    const { all } = run("worker", "1985", ctx());
    const text = all.map((m) => m.text).join("\n");
    expect(text).toContain("Trợ lý");
    expect(text).not.toMatch(/chúng tôi|(^|\. )Mình /);
  });
});

describe("the evaluation year", () => {
  it("counts an assessment started before the January cut-off for the previous year", () => {
    const early = run("worker", "1985", ctx("2027-01-10T03:00:00Z", "01-15"));
    expect(early.started.effects.find((e) => e.type === "assessment.start")).toMatchObject({ year: 2026 });
    const late = run("worker", "1985", ctx("2027-01-20T03:00:00Z", "01-15"));
    expect(late.started.effects.find((e) => e.type === "assessment.start")).toMatchObject({ year: 2027 });
    const none = run("worker", "1985", ctx("2027-01-10T03:00:00Z"));
    expect(none.started.effects.find((e) => e.type === "assessment.start")).toMatchObject({ year: 2027 });
  });
});
