// Drives a Telegram citizen from /start to the verdict, choosing the best or worst answers.
import { findQuestion, type AnswerValue, type CriteriaSet } from "../../rules/index.ts";
import { TARGET_GROUPS } from "../../bot/engine/index.ts";
import { chooseValue, type Mode } from "../bot/support/driver.ts";
import type { TelegramCitizen } from "./telegram-citizen.ts";

export async function onboard(c: TelegramCitizen, set: CriteriaSet, unitCode: string): Promise<void> {
  await c.say(`/start u_${unitCode}`);
  await c.tap("c.y");
  await c.tap(`g.${TARGET_GROUPS.indexOf(set.targetGroup)}`);
  await c.say("Nguyễn Thị Bình");
  await c.say("1975");
}

/** Answers the question on screen; returns false when no question is on screen. */
export async function answerCurrent(c: TelegramCitizen, set: CriteriaSet, mode: Mode, chosen: Record<string, AnswerValue>): Promise<boolean> {
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
  else {
    for (const id of value as string[]) await c.tap(`t.${q.options.findIndex((o) => o.id === id)}`);
    await c.tap("d");
  }
  return true;
}

export async function answerAll(c: TelegramCitizen, set: CriteriaSet, mode: Mode, chosen: Record<string, AnswerValue> = {}) {
  for (let i = 0; i < 200 && (await answerCurrent(c, set, mode, chosen)); i++);
  return chosen;
}

export async function driveToVerdict(c: TelegramCitizen, set: CriteriaSet, unitCode: string, mode: Mode) {
  await onboard(c, set, unitCode);
  const chosen = await answerAll(c, set, mode);
  const s = await c.state();
  if (s.step.kind !== "review") throw new Error(`expected the review, got ${s.step.kind}`);
  const verdict = await c.tap("s");
  return { chosen, verdict };
}
