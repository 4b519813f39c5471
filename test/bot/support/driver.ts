// Drives the engine like a citizen would, through buttons where there are buttons: the best or the
// worst answer to every question (by the rules module's own points), up to the verdict.
import { checkAnswer, findQuestion, questionPoints, type AnswerValue, type CriteriaSet, type Question } from "../../../rules/index.ts";
import { decodeButton, step, TARGET_GROUPS, type ConversationState } from "../../../bot/engine/index.ts";
import type { Effect, InboundEvent, OutMessage, StepContext } from "../../../bot/types.ts";

export type Mode = "best" | "worst";

function subsets<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let mask = 0; mask < 1 << items.length; mask++) out.push(items.filter((_, i) => (mask & (1 << i)) !== 0));
  return out;
}

function candidates(q: Question): AnswerValue[] {
  switch (q.type) {
    case "single_choice":
      return q.options.map((o) => o.id);
    case "multi_choice":
      return q.options.length <= 10 ? subsets(q.options.map((o) => o.id)) : [[], q.options.map((o) => o.id)];
    case "yes_no":
      return [true, false];
    case "number": {
      const edges = [q.min, q.max, ...q.bands.map((b) => b.min)].map((v) => (q.integer ? Math.ceil(v) : v));
      return edges.filter((v) => v >= q.min && v <= q.max);
    }
  }
}

/** The valid answer earning the most (best) or the fewest (worst) points; ties: the first candidate. */
export function chooseValue(q: Question, mode: Mode): AnswerValue {
  let chosen: AnswerValue | undefined;
  let chosenPoints = 0;
  for (const value of candidates(q)) {
    if (checkAnswer(q, value) !== null) continue;
    const points = questionPoints(q, value);
    if (chosen === undefined || (mode === "best" ? points > chosenPoints : points < chosenPoints)) {
      chosen = value;
      chosenPoints = points;
    }
  }
  if (chosen === undefined) throw new Error(`no valid answer for ${q.id}`);
  return chosen;
}

export interface Drive {
  state: ConversationState;
  effects: Effect[];
  messages: OutMessage[];
  /** Every message of the drive. */
  all: OutMessage[];
  /** The answers the driver chose, by question id. */
  chosen: Record<string, AnswerValue>;
}

function tap(messages: readonly OutMessage[], wanted: (action: string) => boolean): InboundEvent {
  for (const m of [...messages].reverse()) {
    for (const b of (m.buttons ?? []).flat()) {
      const decoded = decodeButton(b.data);
      if (decoded && wanted(decoded.action.join("."))) return { type: "button", data: b.data };
    }
  }
  throw new Error(`no such button in ${JSON.stringify(messages)}`);
}

/** From first contact to the verdict, answering with `mode` everywhere. */
export function driveToVerdict(set: CriteriaSet, ctx: StepContext, mode: Mode): Drive {
  let state: ConversationState | null = null;
  let messages: OutMessage[] = [];
  const effects: Effect[] = [];
  const all: OutMessage[] = [];
  const chosen: Record<string, AnswerValue> = {};
  const send = (event: InboundEvent) => {
    const r = step(state, event, ctx);
    state = r.state;
    messages = r.messages;
    all.push(...r.messages);
    effects.push(...r.effects);
  };
  send({ type: "command", name: "start", arg: "u_PHUONG1" });
  send(tap(messages, (a) => a === "c.y"));
  send(tap(messages, (a) => a === `g.${TARGET_GROUPS.indexOf(set.targetGroup)}`));
  send({ type: "text", text: "Nguyễn Văn An" });
  send({ type: "text", text: "1980" });
  for (let i = 0; i < 500; i++) {
    const s: ConversationState = state!;
    switch (s.step.kind) {
      case "submitted":
        return { state: s, effects, messages, all, chosen };
      case "evidence":
        send(tap(messages, (a) => a === "e.n"));
        break;
      case "review": {
        // Sending is offered on the last page only: page on until it is.
        const page = s.step.page;
        const hasSubmit = messages.some((m) => (m.buttons ?? []).flat().some((b) => decodeButton(b.data)?.action.join(".") === "s"));
        send(tap(messages, (a) => (hasSubmit ? a === "s" : a === `p.${page + 1}`)));
        break;
      }
      case "question": {
        const q = findQuestion(set, s.step.qid)!;
        const value = chooseValue(q, mode);
        chosen[q.id] = value;
        if (q.type === "number") send({ type: "text", text: String(value).replace(".", ",") });
        else if (q.type === "yes_no") send(tap(messages, (a) => a === (value ? "a.y" : "a.n")));
        else if (q.type === "single_choice") send(tap(messages, (a) => a === `a.${q.options.findIndex((o) => o.id === value)}`));
        else {
          for (const id of value as string[]) send(tap(messages, (a) => a === `t.${q.options.findIndex((o) => o.id === id)}`));
          send(tap(messages, (a) => a === "d"));
        }
        break;
      }
      default:
        throw new Error(`unexpected step ${JSON.stringify(s.step)}: ${JSON.stringify(messages)}`);
    }
  }
  throw new Error("no verdict after 500 steps");
}
