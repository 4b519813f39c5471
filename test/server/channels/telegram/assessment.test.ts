import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeButton } from "../../../../bot/engine/index.ts";
import { score } from "../../../../rules/index.ts";
import { loadShippedSets } from "../../../../rules/load-file.ts";
import type { CriteriaSet } from "../../../../rules/index.ts";
import type { Runtime } from "../../../../server/runtime.ts";
import { answerAll, answerCurrent, driveToVerdict, onboard, submitReview } from "../../../support/drive.ts";
import { FakeTelegram } from "../../../support/fake-telegram.ts";
import { storedChat } from "../../../support/stored.ts";
import { TelegramCitizen } from "../../../support/telegram-citizen.ts";
import { addUnit, telegramRuntime } from "../../../support/telegram-runtime.ts";

let fake: FakeTelegram;
let rt: Runtime;
let sets: CriteriaSet[];
let unit: { id: string; code: string };
const citizen = (chatId?: number) => new TelegramCitizen(() => rt, fake, chatId);
const setOf = (group: string) => sets.find((s) => s.targetGroup === group)!;

beforeAll(async () => {
  fake = await new FakeTelegram().start();
  rt = await telegramRuntime(fake);
  sets = await loadShippedSets();
  unit = await addUnit(rt.db.pool);
});
afterAll(async () => {
  await rt.close();
  await fake.stop();
});

async function assessmentOf(chatId: number) {
  const { rows } = await rt.db.pool.query(
    `SELECT a.* FROM assessments a JOIN channel_accounts c ON c.person_id = a.person_id
      WHERE c.channel = 'telegram' AND c.external_id = $1 ORDER BY a.started_at DESC`,
    [String(chatId)],
  );
  return rows;
}

describe("a citizen on Telegram", () => {
  it.each(["worker", "resident"])("completes the %s self-assessment; stored answers and score match the rules module", async (group) => {
    const set = setOf(group);
    const c = citizen();
    const { chosen, verdict } = await driveToVerdict(c, set, unit.code, "best");
    const [a] = await assessmentOf(c.chatId);
    expect(a.status).toBe("submitted");
    expect(a.unit_id).toBe(unit.id);
    expect(a.set_id).toBe(set.id);
    expect(a.set_version).toBe(set.version);
    const expected = score(set, a.answers);
    expect(expected.ok).toBe(true);
    if (!expected.ok) return;
    // Exactly the answers the citizen gave, each as given.
    expect(Object.keys(chosen).length).toBeGreaterThan(0);
    expect(a.answers).toEqual(chosen);
    expect(a.score).toEqual(expected.result);
    expect(a.verdict).toBe("dat");
    expect(a.total).toBe(100);
    expect(verdict.map((m) => m.body.text).join("\n")).toMatch(/100/);
    // Every reply reached the citizen as escaped HTML, none failed.
    const { rows } = await rt.db.pool.query(`SELECT status, count(*)::int AS n FROM outbox WHERE recipient = $1 GROUP BY status`, [String(c.chatId)]);
    expect(rows).toEqual([{ status: "sent", n: expect.any(Number) }]);
  });

  it("gets chua_dat with the worst answers, with reasons", async () => {
    const c = citizen();
    await driveToVerdict(c, setOf("student"), unit.code, "worst");
    const [a] = await assessmentOf(c.chatId);
    expect(a.verdict).toBe("chua_dat");
    expect(a.score.reasons.length).toBeGreaterThan(0);
  });

  it("a duplicate delivery of an update is answered 200, applied once and sent once", async () => {
    const set = setOf("worker");
    const c = citizen();
    await onboard(c, set, unit.code);
    const question = (await c.state()).step as { kind: string; qid: string };
    expect(question.kind).toBe("question");
    const button = c.findButtonOn((a) => a === "a.y" || a === "a.0");
    const update = c.buttonUpdate(button.data, button.messageId);
    const eventId = String(update.update_id);
    expect(await c.post(update)).toBe(200);
    const replies = await c.replies();
    expect(replies.length).toBeGreaterThan(0);
    const applied = await storedChat(rt.db.pool, "telegram", String(c.chatId), eventId);

    // Telegram retries the same update: once more, then twice at the same time.
    expect(await c.post(update)).toBe(200);
    expect(await Promise.all([c.post(update), c.post(update)])).toEqual([200, 200]);
    expect(await c.replies()).toEqual([]);
    // Nothing changed: no state, answer or outbox row written again (their updated_at would move).
    expect(await storedChat(rt.db.pool, "telegram", String(c.chatId), eventId)).toEqual(applied);

    // Applied once: one inbound record, one assessment holding the answer, the state on the next step.
    expect(applied.inbound).toBe(1);
    expect(applied.assessments).toHaveLength(1);
    expect(Object.keys(applied.assessments[0]!.answers)).toEqual([question.qid]);
    expect((applied.account!.state as { step: { qid?: string } }).step.qid).not.toBe(question.qid);
    // Sent once: the button's acknowledgement and each reply row went to Telegram exactly once.
    expect(applied.eventRows.map((r) => r.status)).toEqual(applied.eventRows.map(() => "sent"));
    expect(applied.eventRows.map((r) => r.kind)).toEqual(["callback_answer", ...replies.map(() => "message")]);
    const ids = applied.eventRows.filter((r) => r.kind === "message").map((r) => Number(r.platformMessageId));
    expect(replies.map((r) => r.messageId)).toEqual(ids);
    const callbacks = fake.calls.filter((x) => x.method === "answerCallbackQuery" && x.body.callback_query_id === (update.callback_query as { id: string }).id);
    expect(callbacks).toHaveLength(1);
  });

  it("a stale button changes nothing and shows the current question again", async () => {
    const set = setOf("worker");
    const c = citizen();
    await onboard(c, set, unit.code);
    const firstQuestionButton = c.findButton((a) => a.startsWith("a.") || a.startsWith("t."));
    await answerCurrent(c, set, "best", {});
    const before = await c.state();
    // Later than a double tap (the same button again within a second), which says nothing.
    await new Promise((r) => setTimeout(r, 1100));
    const replies = await c.tapData(firstQuestionButton);
    const after = await c.state();
    expect(after.assessment).toEqual(before.assessment);
    expect(after.step).toEqual(before.step);
    expect(replies.length).toBeGreaterThanOrEqual(2);
    // The question shown again carries buttons that work: of the current prompt, not stale.
    const shown = (replies.at(-1)!.body.reply_markup?.inline_keyboard ?? []).flat() as { callback_data: string }[];
    expect(shown.length).toBeGreaterThan(0);
    expect(shown.map((b) => decodeButton(b.callback_data)?.seq)).toEqual(shown.map(() => after.seq));
  });

  it("a double tap answers once: the second tap gets only a silent answerCallbackQuery", async () => {
    const set = setOf("worker");
    const c = citizen();
    await onboard(c, set, unit.code);
    const answer = c.findButton((a) => a.startsWith("a.") || a.startsWith("t."));
    const first = await c.tapData(answer);
    expect(first.length).toBeGreaterThanOrEqual(1);
    const afterFirst = await c.state();
    const answered = () => fake.calls.filter((call) => call.method === "answerCallbackQuery");
    const before = answered().length;
    const again = await c.tapData(answer);
    expect(again).toEqual([]);
    expect(await c.state()).toMatchObject({ step: afterFirst.step, assessment: afterFirst.assessment });
    expect(answered()).toHaveLength(before + 1);
    const last = answered().at(-1)!;
    expect(last.body.text).toBeUndefined();
    expect(last.body.show_alert).toBeFalsy();
  });

  it("an out-of-range number is refused with the allowed range and changes nothing", async () => {
    const set = sets.find((s) => s.groups.some((g) => g.indicators.some((i) => i.questions.some((q) => q.type === "number"))))!;
    const c = citizen();
    await onboard(c, set, unit.code);
    for (let i = 0; i < 50; i++) {
      const s = await c.state();
      const q = s.step.kind === "question" ? set.groups.flatMap((g) => g.indicators.flatMap((x) => x.questions)).find((x) => x.id === (s.step as { qid: string }).qid) : undefined;
      if (q?.type === "number") {
        const replies = await c.say(String(q.max + 1000));
        const after = await c.state();
        expect(after.step).toEqual(s.step);
        expect(after.assessment!.answers[q.id]).toBeUndefined();
        expect(replies.map((r) => r.body.text).join("\n")).toContain(String(q.max));
        return;
      }
      await answerCurrent(c, set, "best", {});
    }
    throw new Error("never reached a number question");
  });

  it("/delete erases the person after confirmation and keeps only anonymous counts", async () => {
    const set = setOf("worker");
    const c = citizen();
    await driveToVerdict(c, set, unit.code, "best");
    const [a] = await assessmentOf(c.chatId);
    await c.say("/delete");
    await c.tap((x) => x.endsWith(".y") || x === "x.y" || /^d\w?\.y$/.test(x) || x === "dy");
    const { rows: people } = await rt.db.pool.query(
      `SELECT p.* FROM people p JOIN channel_accounts c ON c.person_id = p.id WHERE c.external_id = $1`,
      [String(c.chatId)],
    );
    expect(people).toEqual([]);
    const { rows: kept } = await rt.db.pool.query(`SELECT person_id, answers, unit_id, status, verdict FROM assessments WHERE id = $1`, [a.id]);
    expect(kept).toEqual([{ person_id: null, answers: {}, unit_id: unit.id, status: "submitted", verdict: "dat" }]);
    const { rows: names } = await rt.db.pool.query(`SELECT count(*)::int AS n FROM people WHERE full_name = 'Nguyễn Thị Bình' AND id = $1`, [a.person_id]);
    expect(names[0].n).toBe(0);
  });

  it("continues at the same question after the server process is replaced", async () => {
    const set = setOf("public_servant");
    const c = citizen();
    await onboard(c, set, unit.code);
    await answerCurrent(c, set, "best", {});
    await answerCurrent(c, set, "best", {});
    const before = await c.state();
    await rt.close();
    rt = await telegramRuntime(fake);
    const replies = await c.say("/status");
    expect(replies.length).toBeGreaterThan(0);
    const after = await c.state();
    expect(after.step).toEqual(before.step);
    expect(after.assessment!.answers).toEqual(before.assessment!.answers);
    await answerAll(c, set, "best", {});
    await submitReview(c);
    const [a] = await assessmentOf(c.chatId);
    expect(a.status).toBe("submitted");
  });

  it("a multiple-choice tick edits the tapped question in place instead of sending it again", async () => {
    const set = setOf("resident");
    const c = citizen();
    await onboard(c, set, unit.code);
    for (let i = 0; i < 20; i++) {
      const s = await c.state();
      if (s.step.kind === "question" && set.groups.flatMap((g) => g.indicators.flatMap((x) => x.questions)).find((q) => q.id === (s.step as { qid: string }).qid)!.type === "multi_choice") break;
      await answerCurrent(c, set, "best", {});
    }
    const question = c.findButtonOn((a) => a === "t.0");
    const sentBefore = fake.calls.filter((x) => x.method === "sendMessage" && String(x.body.chat_id) === String(c.chatId)).length;
    await c.tap("t.0");
    const edits = fake.calls.filter((x) => x.method === "editMessageText" && String(x.body.chat_id) === String(c.chatId));
    expect(edits).toHaveLength(1);
    expect(edits[0]!.body.message_id).toBe(question.messageId);
    expect(JSON.stringify(edits[0]!.body.reply_markup)).toContain("☑");
    expect(fake.calls.filter((x) => x.method === "sendMessage" && String(x.body.chat_id) === String(c.chatId)).length).toBe(sentBefore);
    // The edited question's buttons answer: Done moves on.
    await c.tap("d");
    expect((await c.state()).assessment!.answers["encourage_acts"]).toEqual(["children"]);
  });

  it("refuses an update without the webhook secret and changes nothing", async () => {
    const c = citizen();
    const status = await c.post(c.textUpdate("/start"), "wrong-secret-wrong-secret");
    expect(status).toBe(401);
    expect(await c.state()).toBeUndefined();
    expect(fake.messages(c.chatId)).toEqual([]);
  });
});
