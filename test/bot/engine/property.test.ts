// Random conversations: the engine never throws, always answers (except to unfollow), keeps its state
// storable, stores nothing without consent, and submits only through the review's Submit button.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeButton, parseState, step, type ConversationState } from "../../../bot/engine/index.ts";
import type { CommandName, Effect, InboundEvent, OutMessage } from "../../../bot/types.ts";
import { loadSetFile, makeContext } from "../support/context.ts";

const ctx = makeContext({ sets: [loadSetFile("small.json"), loadSetFile("student-long.json")] });

const COMMANDS: CommandName[] = ["start", "help", "status", "lang", "restart", "stop", "delete"];
const WORDS = ["1", "2", "3", "4", "0", "1 3", "2,4", "có", "không", "yes", "no", "6", "12,5", "99", "-1", "PHUONG1", "phuong2",
  "Nguyễn Văn An", "1975", "2020", "hello", "/foo", "/start", "/status", "/lang en", "/restart", "", "   ", "😀"];

/**
 * "tap" picks one of the buttons of the last messages (index modulo their number); "fill" types what
 * the step asks for where it asks for text (unit code, name, birth year, a number), else taps.
 */
type Action = { kind: "event"; event: InboundEvent } | { kind: "tap"; index: number } | { kind: "fill"; index: number };

const event: fc.Arbitrary<InboundEvent> = fc.oneof(
  fc.record({
    type: fc.constant("command" as const),
    name: fc.constantFrom(...COMMANDS),
    arg: fc.option(fc.constantFrom("u_PHUONG1", "u_zz", "en", "vi", "x"), { nil: undefined }),
  }).map((e) => (e.arg === undefined ? { type: e.type, name: e.name } : e)),
  fc.record({ type: fc.constant("text" as const), text: fc.oneof(fc.constantFrom(...WORDS), fc.string({ maxLength: 30 })) }),
  fc.record({ type: fc.constant("button" as const), data: fc.oneof(fc.string({ maxLength: 70 }), fc.constantFrom("0.s", "5.s", "a.e.1", "3.c.y")) }),
  fc.record({ type: fc.constant("attachment" as const), kind: fc.constantFrom("image" as const, "file" as const), ref: fc.string({ minLength: 1, maxLength: 10 }) }),
  fc.record({ type: fc.constant("contact" as const), name: fc.constantFrom("Phạm Văn Dũng", "1"), phone: fc.constant("0901") }),
  fc.constant({ type: "unfollow" as const }),
);

const action: fc.Arbitrary<Action> = fc.oneof(
  { weight: 2, arbitrary: event.map((e) => ({ kind: "event" as const, event: e })) },
  { weight: 4, arbitrary: fc.nat({ max: 1000 }).map((index) => ({ kind: "tap" as const, index })) },
  { weight: 4, arbitrary: fc.nat({ max: 1000 }).map((index) => ({ kind: "fill" as const, index })) },
);

/** What a cooperative citizen would send now: typed text where text is asked for, else a forward tap. */
function filled(state: ConversationState | null, last: readonly OutMessage[]): InboundEvent | null {
  const tapAction = (wanted: (action: string) => boolean): InboundEvent | null => {
    const b = last.flatMap((m) => (m.buttons ?? []).flat()).find((x) => wanted(decodeButton(x.data)?.action.join(".") ?? ""));
    return b ? { type: "button", data: b.data } : null;
  };
  switch (state?.step.kind) {
    case "unit":
      return { type: "text", text: "PHUONG1" };
    case "name":
      return { type: "text", text: "Nguyễn Văn An" };
    case "birth_year":
      return { type: "text", text: "1975" };
    case "question":
      if (state.step.qid === "hours" || state.step.qid === "calc") return { type: "text", text: "6" };
      return tapAction((a) => a === "d" || a === "a.0" || a === "a.y");
    case "evidence":
      return tapAction((a) => a === "e.n");
    case "review":
      return tapAction((a) => a === "s");
    default:
      return null;
  }
}

const PERSONAL: ReadonlySet<Effect["type"]> = new Set(["person.profile", "person.optout", "person.optin", "assessment.start", "assessment.progress", "assessment.submit", "assessment.withdraw"]);

let submits = 0;

function run(actions: readonly Action[], viaJson: boolean) {
  let state: ConversationState | null = null;
  let last: OutMessage[] = [];
  const log: { messages: OutMessage[]; effects: Effect[]; state: ConversationState }[] = [];
  for (const [i, a] of actions.entries()) {
    // Two seconds between events: a tap within a second of the same tap is a double tap (tested apart).
    const at = { ...ctx, now: new Date(ctx.now.getTime() + i * 2000) };
    const buttons = last.flatMap((m) => (m.buttons ?? []).flat());
    const fill = a.kind === "fill" ? filled(state, last) : null;
    const e: InboundEvent =
      a.kind === "event"
        ? a.event
        : fill !== null
          ? fill
          : buttons.length > 0
            ? { type: "button", data: buttons[a.index % buttons.length]!.data }
            : { type: "text", text: "1" };
    const before: ConversationState | null = viaJson && state !== null ? parseState(JSON.parse(JSON.stringify(state))) : state;
    if (viaJson && state !== null) expect(before).toEqual(state);
    const r = step(before, e, at);

    if (e.type === "unfollow") {
      expect(r.messages).toEqual([]);
      expect(r.effects).toEqual([{ type: "account.unreachable", reason: "unfollow" }]);
    } else {
      expect(r.messages.length).toBeGreaterThan(0);
    }
    for (const m of r.messages) {
      expect(m.text.length).toBeGreaterThan(0);
      for (const b of (m.buttons ?? []).flat()) {
        expect(Buffer.byteLength(b.data)).toBeLessThanOrEqual(64);
        expect(decodeButton(b.data)?.seq).toBe(r.state.seq);
      }
    }
    if (r.effects.some((x) => x.type === "assessment.submit")) {
      // Only a tap on the Submit button of the review on screen.
      const submit = last.flatMap((m) => (m.buttons ?? []).flat()).find((b) => b.label.endsWith("review.submit"));
      expect(before?.step.kind).toBe("review");
      expect(e).toEqual({ type: "button", data: submit?.data });
      submits++;
    }
    if (before?.consentVersion === undefined && r.state.consentVersion === undefined) {
      expect(r.effects.filter((x) => PERSONAL.has(x.type))).toEqual([]);
    }
    expect(parseState(JSON.parse(JSON.stringify(r.state)))).toEqual(r.state);
    state = r.state;
    last = r.messages;
    log.push({ messages: r.messages, effects: r.effects, state: r.state });
  }
  return log;
}

describe("random conversations", () => {
  it("never throw, always answer, store nothing without consent, submit only via the review's button", () => {
    submits = 0;
    fc.assert(
      fc.property(fc.array(action, { minLength: 1, maxLength: 120, size: "max" }), (actions) => {
        run(actions, false);
      }),
      { numRuns: 150, seed: 20251002 },
    );
    // The random walks do reach the verdict now and then, so the submit check was exercised.
    expect(submits).toBeGreaterThan(0);
  });

  it("give the same result when the state is stored as JSON between steps", () => {
    fc.assert(
      fc.property(fc.array(action, { minLength: 1, maxLength: 80, size: "max" }), (actions) => {
        expect(run(actions, true)).toEqual(run(actions, false));
      }),
      { numRuns: 50, seed: 7 },
    );
  });
});
