// The review as one summary (issue 11 point 14): besides its pages, the review message carries every
// visible answer grouped by competency group, with evidence refs and an edit button each, and a submit
// button ("s.w") that sends from any page – the web chat shows it as one scrollable summary.
import { describe, expect, it } from "vitest";
import { decodeButton, step, TARGET_GROUPS, type ConversationState } from "../../../bot/engine/index.ts";
import { questionLabels, visible } from "../../../bot/engine/answers.ts";
import { findQuestion } from "../../../rules/index.ts";
import { loadShippedSets } from "../../../rules/load-file.ts";
import type { InboundEvent, OutMessage } from "../../../bot/types.ts";
import { chooseValue } from "../support/driver.ts";
import { makeContext } from "../support/context.ts";

describe("the review summary", () => {
  it("lists every visible answer by group on the first page, and 's.w' sends from there", async () => {
    const set = (await loadShippedSets()).find((s) => s.targetGroup === "worker")!;
    const ctx = makeContext({ sets: [set] });
    let state: ConversationState | null = null;
    let messages: OutMessage[] = [];
    const send = (event: InboundEvent) => {
      const r = step(state, event, ctx);
      state = r.state;
      messages = r.messages;
      return r;
    };
    const tap = (action: string) => {
      const b = [...messages].reverse().flatMap((m) => (m.buttons ?? []).flat()).find((x) => decodeButton(x.data)?.action.join(".") === action);
      if (!b) throw new Error(`no ${action}`);
      return send({ type: "button", data: b.data });
    };
    send({ type: "command", name: "start", arg: "u_PHUONG1" });
    tap("c.y");
    tap(`g.${TARGET_GROUPS.indexOf("worker")}`);
    send({ type: "text", text: "Nguyễn Văn An" });
    send({ type: "text", text: "1980" });
    for (let i = 0; i < 200 && state!.step.kind !== "review"; i++) {
      const s: ConversationState = state!;
      if (s.step.kind === "evidence") {
        if (s.step.waiting) tap("e.n");
        else {
          tap("e.y");
          send({ type: "attachment", kind: "image", ref: "web-upload:00000000-0000-4000-8000-000000000001" });
        }
        continue;
      }
      if (s.step.kind !== "question") throw new Error(s.step.kind);
      const q = findQuestion(set, s.step.qid)!;
      const value = chooseValue(q, "best");
      if (q.type === "number") send({ type: "text", text: String(value) });
      else if (q.type === "yes_no") tap(value ? "a.y" : "a.n");
      else if (q.type === "single_choice") tap(`a.${q.options.findIndex((o) => o.id === value)}`);
      else {
        for (const id of value as string[]) tap(`t.${q.options.findIndex((o) => o.id === id)}`);
        tap("d");
      }
    }
    const s: ConversationState = state!;
    expect(s.step).toEqual({ kind: "review", page: 0 });
    const review = messages.find((m) => m.summary)!;
    // The paged review has more than one page; its first page offers no submit.
    expect(review.buttons!.flat().some((b) => decodeButton(b.data)?.action.join(".") === "s")).toBe(false);
    const summary = review.summary!;
    const questions = visible(set, s.assessment!.answers);
    const items = summary.groups.flatMap((g) => g.items);
    const { labels } = questionLabels(set);
    expect(items.map((i) => i.label)).toEqual(questions.map((q) => labels.get(q.id)));
    expect(items.every((i) => i.prompt.length > 10)).toBe(true);
    expect(summary.groups.map((g) => g.title)).toEqual(set.groups.map((g) => g.title.vi));
    expect(items.every((i) => i.answer.length > 0 && decodeButton(i.edit.data)?.action[0] === "e")).toBe(true);
    expect(items.flatMap((i) => i.evidence)).toContain("web-upload:00000000-0000-4000-8000-000000000001");
    expect(decodeButton(summary.submit.data)?.action).toEqual(["s", "w"]);

    const sent = send({ type: "button", data: summary.submit.data });
    expect(state!.step.kind).toBe("submitted");
    expect(sent.effects.map((e) => e.type)).toContain("assessment.submit");
  });
});
