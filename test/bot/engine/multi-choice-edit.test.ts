// A tick of a multiple choice re-renders the question in place of the message tapped (Telegram edits it,
// the web chat re-renders it) instead of sending the whole question again; other taps do not.
import { describe, expect, it } from "vitest";
import { decodeButton, step, type ConversationState } from "../../../bot/engine/index.ts";
import type { InboundEvent, OutMessage } from "../../../bot/types.ts";
import { makeContext } from "../support/context.ts";

describe("multiple choice", () => {
  it("a tick replaces the tapped question; Done and taps without a message id do not", () => {
    const ctx = makeContext();
    let state: ConversationState | null = null;
    let messages: OutMessage[] = [];
    const send = (event: InboundEvent) => {
      const r = step(state, event, ctx);
      state = r.state;
      messages = r.messages;
      return r;
    };
    const data = (action: string) => {
      const b = messages.flatMap((m) => (m.buttons ?? []).flat()).find((x) => decodeButton(x.data)?.action.join(".") === action);
      if (!b) throw new Error(`no ${action} in ${JSON.stringify(messages)}`);
      return b.data;
    };
    send({ type: "command", name: "start", arg: "u_PHUONG1" });
    send({ type: "button", data: data("c.y") });
    send({ type: "button", data: data("g.0") });
    send({ type: "text", text: "Nguyễn Văn An" });
    send({ type: "text", text: "1975" });
    send({ type: "text", text: "3" });
    send({ type: "button", data: data("e.n") });
    send({ type: "button", data: data("a.y") });
    send({ type: "text", text: "6" });
    expect(state!.step).toMatchObject({ kind: "question", qid: "uses" });

    const tick = send({ type: "button", data: data("t.1"), messageId: "77" });
    expect(tick.messages).toHaveLength(1);
    expect(tick.messages[0]!.replaces).toBe("77");
    expect(tick.messages[0]!.buttons!.flat().map((b) => b.label)).toContain("☑ Dịch vụ công trực tuyến");

    const untracked = send({ type: "button", data: data("t.0") });
    expect(untracked.messages[0]!.replaces).toBeUndefined();

    const done = send({ type: "button", data: data("d"), messageId: "78" });
    expect(done.messages.every((m) => m.replaces === undefined)).toBe(true);
    expect(state!.step).toMatchObject({ kind: "question", qid: "calc" });
  });
});
