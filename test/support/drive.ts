// Drives a citizen on any channel from /start to the verdict, choosing the best or worst answers.
import { findQuestion, type AnswerValue, type CriteriaSet } from "../../rules/index.ts";
import { TARGET_GROUPS } from "../../bot/engine/index.ts";
import { chooseValue, type Mode } from "../bot/support/driver.ts";
import type { ConversationState } from "../../bot/engine/index.ts";
import type pg from "pg";
import type { ChannelName } from "../../bot/types.ts";
import { waitFor } from "./processes.ts";

/** Waits until the delivery worker has settled every outbox row of one chat (none pending or sending). */
export async function waitForDelivery(pool: pg.Pool, channel: ChannelName, recipient: string): Promise<void> {
  await waitFor(async () => {
    const { rows } = await pool.query(
      `SELECT count(*)::int AS n FROM outbox WHERE channel = $1 AND recipient = $2 AND status IN ('pending', 'sending')`,
      [channel, recipient],
    );
    return rows[0].n === 0 || undefined;
  }, 20_000, `delivery to ${channel} ${recipient}`);
}

/** What a channel's test citizen can do: type, tap a button by its decoded action, and be looked at. */
export interface Citizen<Reply = unknown> {
  say(text: string): Promise<Reply[]>;
  tap(action: string | ((action: string) => boolean)): Promise<Reply[]>;
  state(): Promise<ConversationState>;
  /** Answers multiple choices by typing the numbers (Zalo shows no toggle buttons for long lists). */
  prefersTyping?: boolean;
}

export async function onboard(c: Citizen, set: CriteriaSet, unitCode: string): Promise<void> {
  await c.say(`/start u_${unitCode}`);
  await c.tap("c.y");
  await c.tap(`g.${TARGET_GROUPS.indexOf(set.targetGroup)}`);
  await c.say("Nguyễn Thị Bình");
  await c.say("1975");
}

/** Answers the question on screen; returns false when no question is on screen. */
export async function answerCurrent(c: Citizen, set: CriteriaSet, mode: Mode, chosen: Record<string, AnswerValue>): Promise<boolean> {
  const s = await c.state();
  if (s.step.kind === "evidence") {
    await c.tap("e.n");
    return true;
  }
  if (s.step.kind !== "question") return false;
  const q = findQuestion(set, s.step.qid)!;
  const value = chooseValue(q, mode);
  chosen[q.id] = value;
  if (q.type === "number") await c.say(String(value).replace(".", ","));
  else if (q.type === "yes_no") await c.tap(value ? "a.y" : "a.n");
  else if (q.type === "single_choice") await c.tap(`a.${q.options.findIndex((o) => o.id === value)}`);
  else if (c.prefersTyping) {
    const numbers = (value as string[]).map((id) => q.options.findIndex((o) => o.id === id) + 1);
    await c.say(numbers.length ? numbers.join(" ") : "0");
  } else {
    for (const id of value as string[]) await c.tap(`t.${q.options.findIndex((o) => o.id === id)}`);
    await c.tap("d");
  }
  return true;
}

export async function answerAll(c: Citizen, set: CriteriaSet, mode: Mode, chosen: Record<string, AnswerValue> = {}) {
  for (let i = 0; i < 200 && (await answerCurrent(c, set, mode, chosen)); i++);
  return chosen;
}

export async function driveToVerdict<R>(c: Citizen<R>, set: CriteriaSet, unitCode: string, mode: Mode) {
  await onboard(c, set, unitCode);
  const chosen = await answerAll(c, set, mode);
  return { chosen, verdict: await submitReview(c) };
}

/** From the review: pages on (sending is offered on the last page only), then sends; the replies to that. */
export async function submitReview<R>(c: Citizen<R>): Promise<R[]> {
  for (let i = 0; i < 20; i++) {
    const s = await c.state();
    if (s.step.kind !== "review") throw new Error(`expected the review, got ${s.step.kind}`);
    const page = s.step.page;
    const replies = await c.tap((a) => a === "s" || a === `p.${page + 1}`);
    if ((await c.state()).step.kind === "submitted") return replies;
  }
  throw new Error("no verdict after paging the review");
}
