// Scenarios easier to state in code than in transcripts.
import { describe, expect, it } from "vitest";
import { parseCriteriaSet, type CriteriaSet } from "../../../rules/index.ts";
import { decodeButton, step, type ConversationState } from "../../../bot/engine/index.ts";
import type { InboundEvent, OutMessage, StepContext } from "../../../bot/types.ts";
import { makeContext } from "../support/context.ts";

function mustParse(json: unknown): CriteriaSet {
  const outcome = parseCriteriaSet(json);
  if (!outcome.ok) throw new Error(JSON.stringify(outcome.problems));
  return outcome.set;
}

const longId = (i: number) => `option-${i}-${"x".repeat(50)}`.slice(0, 64);

/** A set whose follow-up question appears only when the first answer is "yes". */
const set = mustParse({
  id: "flows",
  version: "1",
  targetGroup: "worker",
  title: { vi: "Thử" },
  source: { text: "test", checkedAgainstOfficialText: false },
  rules: { minTotal: 1 },
  groups: [
    {
      id: "g",
      title: { vi: "Nhóm" },
      indicators: [
        {
          id: "i",
          title: { vi: "Chỉ số" },
          maxPoints: 10,
          questions: [
            { id: "first", type: "yes_no", prompt: { vi: "Một?" }, yesPoints: 1, noPoints: 0 },
            { id: "follow", type: "yes_no", prompt: { vi: "Hai?" }, yesPoints: 1, noPoints: 0, showIf: { question: "first", equals: true } },
            {
              id: "many",
              type: "single_choice",
              prompt: { vi: "Ba?" },
              evidence: true,
              options: Array.from({ length: 30 }, (_, i) => ({ id: longId(i), label: { vi: `Lựa chọn ${i} ${"dài ".repeat(20)}` }, points: i % 3 })),
            },
          ],
        },
      ],
    },
  ],
});

class Chat {
  state: ConversationState | null = null;
  messages: OutMessage[] = [];
  constructor(readonly ctx: StepContext) {}
  send(event: InboundEvent) {
    const r = step(this.state, event, this.ctx);
    this.state = r.state;
    this.messages = r.messages;
    return r;
  }
  tap(action: string) {
    for (const b of this.messages.flatMap((m) => (m.buttons ?? []).flat())) {
      if (decodeButton(b.data)?.action.join(".") === action) return this.send({ type: "button", data: b.data });
    }
    throw new Error(`no button ${action} in ${JSON.stringify(this.messages)}`);
  }
  text(text: string) {
    return this.send({ type: "text", text });
  }
}

function onboarded(): Chat {
  const chat = new Chat(makeContext({ sets: [set] }));
  chat.send({ type: "command", name: "start", arg: "u_PHUONG1" });
  chat.tap("c.y");
  chat.tap("g.0");
  chat.text("Nguyễn Văn An");
  chat.text("1975");
  return chat;
}

describe("flows", () => {
  it("an edit that reveals a new question asks it before returning to the review", () => {
    const chat = onboarded();
    chat.tap("a.n"); // first: no → follow hidden
    chat.tap("a.0");
    chat.tap("e.n");
    expect(chat.state?.step).toEqual({ kind: "review", page: 0 });
    chat.tap("e.1");
    chat.tap("a.y"); // follow appears, unanswered
    expect(chat.state?.step).toEqual({ kind: "question", qid: "follow", edit: true });
    // A follow-up takes its question's number and a letter: the announced total does not grow.
    expect(chat.messages.at(-1)?.title).toBe('question.title|{"n":"1a","total":2}');
    chat.tap("a.y");
    expect(chat.state?.step.kind).toBe("review");
    const r = chat.tap("s");
    const submit = r.effects.find((e) => e.type === "assessment.submit");
    expect(submit && "answers" in submit ? submit.answers : undefined).toEqual({ first: true, follow: true, many: longId(0) });
  });

  it("uses option indexes in button data, so long option ids stay within 64 bytes", () => {
    const chat = onboarded();
    chat.tap("a.n");
    const buttons = chat.messages.flatMap((m) => (m.buttons ?? []).flat());
    expect(buttons).toHaveLength(31);
    for (const b of buttons) {
      expect(Buffer.byteLength(b.data)).toBeLessThanOrEqual(64);
      expect(Array.from(b.label).length).toBeLessThanOrEqual(40);
    }
    chat.tap("a.29");
    expect(chat.state?.assessment?.answers.many).toBe(longId(29));
  });

  it("keeps at most ten pieces of evidence per question", () => {
    const chat = onboarded();
    chat.tap("a.n");
    for (let i = 0; i < 12; i++) chat.send({ type: "attachment", kind: "image", ref: `p${i}` });
    expect(chat.state?.assessment?.evidence.many).toHaveLength(10);
    expect(chat.messages[0]?.text).toBe('evidence.limit_reached|{"max":10}');
  });

  it("a typed start payload works from Zalo and the web chat", () => {
    const chat = new Chat(makeContext({ sets: [set] }));
    chat.text("/start u_phuong1");
    chat.tap("c.y");
    chat.tap("g.0");
    expect(chat.state?.profile.unitId).toBe("unit-1");
    expect(chat.state?.step.kind).toBe("name");
  });

  it("unfollow sends nothing, even before any state exists", () => {
    const r = step(null, { type: "unfollow" }, makeContext());
    expect(r.messages).toEqual([]);
    expect(r.effects).toEqual([{ type: "account.unreachable", reason: "unfollow" }]);
  });
});
