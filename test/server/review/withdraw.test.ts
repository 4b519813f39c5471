// A citizen withdraws a submitted assessment: every officer's card is replaced in place by the news
// without its decision buttons – Telegram edits it (editMessageText), the web chat re-renders it.
// Real PostgreSQL and Redis, the fake Bot API, the web chat.
import { describe, expect, it } from "vitest";
import type { CriteriaSet } from "../../../rules/index.ts";
import type { Runtime } from "../../../server/runtime.ts";
import { driveToVerdict, waitForDelivery } from "../../support/drive.ts";
import type { FakeTelegram } from "../../support/fake-telegram.ts";
import { inviteOfficer, telegramTexts, webOfficerOf, WebUser, useReviewChat } from "../../support/review-chat.ts";
import { TelegramCitizen } from "../../support/telegram-citizen.ts";
import { addUnit } from "../../support/telegram-runtime.ts";
import { waitFor } from "../../support/processes.ts";

let fake: FakeTelegram;
let rt: Runtime;
let worker: CriteriaSet;

useReviewChat((chat) => ({ fake, rt, worker } = chat));

describe("withdrawal edits the officers' notices", () => {
  it("the Telegram officer's card is edited and loses its buttons; the web officer's card is replaced; nobody else is told", async () => {
    const unit = await addUnit(rt.db.pool, "Xã Sửa Tin");
    await rt.units.refresh();
    const webOfficer = await webOfficerOf(rt, unit.code);
    const inv = await inviteOfficer(rt, unit.code);
    const tgOfficer = new TelegramCitizen(() => rt, fake);
    await tgOfficer.say(`/start o_${inv.token}`);
    await tgOfficer.tap("c.y");
    expect(telegramTexts(await tgOfficer.say("/queue"))).toContain("Anh/chị đã là cán bộ phụ trách");
    const c = new WebUser(() => rt);
    await c.open();
    await driveToVerdict(c, worker, unit.code, "best");

    const webCard = (await webOfficer.replies()).find((m) => m.text.includes("Tổng điểm"))!;
    expect(webCard.buttons?.flat().map((b) => b.label)).toContain("Xác nhận");
    const tgCard = await waitFor(async () => fake.messages(tgOfficer.chatId).find((m) => m.method === "sendMessage" && String(m.body.text).includes("Tổng điểm")), 10_000, "the card");
    expect(tgCard.body.reply_markup?.inline_keyboard?.flat().map((b: { text: string }) => b.text)).toContain("Xác nhận");
    const before = fake.messages(tgOfficer.chatId).length;

    await c.say("/restart");
    await c.tap("x.y");

    const replaced = await webOfficer.replies();
    expect(replaced).toHaveLength(1);
    expect(replaced[0]!.replaces).toBe(webCard.id);
    expect(webOfficer.texts(replaced)).toContain("Nguyễn Thị Bình");
    expect(webOfficer.texts(replaced)).toContain("đã rút lại bài tự đánh giá năm");
    expect(replaced[0]!.buttons ?? []).toEqual([]);

    await waitForDelivery(rt.db.pool, "telegram", String(tgOfficer.chatId));
    const after = fake.messages(tgOfficer.chatId).slice(before);
    expect(after.map((m) => m.method)).toEqual(["editMessageText"]);
    expect(Number(after[0]!.body.message_id)).toBe(tgCard.messageId);
    expect(telegramTexts(after)).toContain("đã rút lại bài tự đánh giá năm");
    expect(after[0]!.body.reply_markup?.inline_keyboard?.flat() ?? []).toEqual([]);

    const { rows } = await rt.db.pool.query(
      `SELECT a.status FROM assessments a JOIN channel_accounts ca ON ca.person_id = a.person_id WHERE ca.external_id = $1 AND a.status <> 'in_progress'`,
      [c.web.account],
    );
    expect(rows.map((r) => r.status)).toEqual(["withdrawn"]);
  });
});
