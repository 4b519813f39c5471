// Officer review in chat, end to end: real PostgreSQL and Redis, the fake Telegram Bot API and the web
// chat in one app process. Citizens submit on one channel, officers decide on another, and each is told.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadShippedSets } from "../../../rules/load-file.ts";
import type { CriteriaSet } from "../../../rules/index.ts";
import { createInvitation } from "../../../server/officers/invitations.ts";
import type { Runtime } from "../../../server/runtime.ts";
import { driveToVerdict } from "../../support/drive.ts";
import { FakeTelegram } from "../../support/fake-telegram.ts";
import { reviewRuntime, tapLabel, telegramButton, telegramTexts, WebUser } from "../../support/review-chat.ts";
import { DAY } from "../../support/review-fixtures.ts";
import { TelegramCitizen } from "../../support/telegram-citizen.ts";
import { addUnit } from "../../support/telegram-runtime.ts";

let fake: FakeTelegram;
let rt: Runtime;
let worker: CriteriaSet;

beforeAll(async () => {
  fake = await new FakeTelegram().start();
  rt = await reviewRuntime(fake);
  worker = (await loadShippedSets()).find((s) => s.targetGroup === "worker")!;
});
afterAll(async () => {
  await rt?.close();
  await fake?.stop();
});

const telegram = () => new TelegramCitizen(() => rt, fake);
/** A new unit, known to the engine's unit directory at once (it caches for a few seconds). */
async function newUnit(name: string) {
  const unit = await addUnit(rt.db.pool, name);
  await rt.units.refresh();
  return unit;
}
const web = () => new WebUser(() => rt);

async function invite(unitCode: string, role: "officer" | "lead" = "officer") {
  const r = await createInvitation(rt.db.pool, { unitCode, role, expiresInMs: DAY, createdBy: "test", now: new Date() });
  if (!r.ok) throw new Error(r.message);
  return r.value;
}

/** An officer on the web chat, from the invitation link (/chat?o=) through consent. */
async function webOfficer(unitCode: string, role: "officer" | "lead" = "officer"): Promise<WebUser> {
  const inv = await invite(unitCode, role);
  const o = web();
  await o.open(`?o=${inv.token}`);
  const first = await o.start({ invite: inv.token });
  expect(o.texts(first)).toContain("Anh/chị được mời làm cán bộ phụ trách");
  await o.tap("c.y");
  const welcome = await o.say("HÀNG CHỜ");
  expect(o.texts(welcome)).toContain(`Anh/chị đã là cán bộ phụ trách`);
  return o;
}

/** An officer on Telegram, from the start link (?start=o_<token>) through consent. */
async function telegramOfficer(unitCode: string): Promise<TelegramCitizen> {
  const inv = await invite(unitCode);
  const o = telegram();
  await o.say(`/start o_${inv.token}`);
  await o.tap("c.y");
  const welcome = await o.say("/queue");
  expect(telegramTexts(welcome)).toContain("Anh/chị đã là cán bộ phụ trách");
  return o;
}

async function assessmentOf(channel: string, externalId: string) {
  const { rows } = await rt.db.pool.query(
    `SELECT a.* FROM assessments a JOIN channel_accounts c ON c.person_id = a.person_id
      WHERE c.channel = $1 AND c.external_id = $2 ORDER BY a.started_at DESC LIMIT 1`,
    [channel, externalId],
  );
  return rows[0];
}

async function audit(assessmentId: string) {
  const { rows } = await rt.db.pool.query(`SELECT action, details FROM audit_log WHERE assessment_id = $1 ORDER BY id`, [assessmentId]);
  return rows.map((r) => `${r.action}:${r.details.channel ?? ""}:${r.details.status_before ?? ""}>${r.details.status_after ?? ""}`);
}

describe("a citizen on Telegram, an officer on the web chat", () => {
  it("the officer gets the card, confirms it with one tap, and the citizen is told on Telegram", async () => {
    const unit = await newUnit("Phường Xác Nhận");
    const officer = await webOfficer(unit.code);
    const c = telegram();
    await driveToVerdict(c, worker, unit.code, "best");
    const card = await officer.replies();
    const text = officer.texts(card);
    expect(text).toContain("Bài tự đánh giá mới cần xác nhận");
    expect(text).toContain("Nguyễn Thị Bình, sinh năm 1975");
    expect(text).toContain(`(${unit.code})`);
    expect(text).toMatch(/Tổng điểm: \d+\/100 – Đạt/);
    expect(text).toContain("Chỉ số 1.");
    expect(card.flatMap((m) => (m.buttons ?? []).flat().map((b) => b.label))).toEqual(["Xác nhận", "Không xác nhận", "Yêu cầu bổ sung", "Xem chi tiết"]);

    const done = await officer.tapLabel("Xác nhận");
    expect(officer.texts(done)).toContain("Đã xác nhận bài của Nguyễn Thị Bình");
    const told = await c.replies();
    expect(telegramTexts(told)).toContain("đã được cán bộ phụ trách xác nhận");
    const a = await assessmentOf("telegram", String(c.chatId));
    expect(a.status).toBe("confirmed");
    expect(await audit(a.id)).toEqual(["assessment.submit::>", "assessment.decide:web:submitted>confirmed"]);
  });
});

describe("a citizen on the web chat, an officer on Telegram", () => {
  it("needs_more → the citizen edits and resubmits → the officer confirms; every step audited", async () => {
    const unit = await newUnit("Xã Bổ Sung");
    const officer = await telegramOfficer(unit.code);
    const c = web();
    await c.open();
    await driveToVerdict(c, worker, unit.code, "best");
    const card = await officer.replies();
    expect(telegramTexts(card)).toContain("Bài tự đánh giá mới cần xác nhận");

    const ask = await tapLabel(officer, fake, "Yêu cầu bổ sung");
    expect(telegramTexts(ask)).toContain("cần bổ sung hoặc sửa gì");
    const sent = await officer.say("Xin gửi ảnh giấy chứng nhận tin học");
    expect(telegramTexts(sent)).toContain("Đã gửi yêu cầu bổ sung");
    const request = await c.replies();
    expect(c.texts(request)).toContain("Xin gửi ảnh giấy chứng nhận tin học");
    const a = await assessmentOf("web", c.web.account);
    expect(a.status).toBe("needs_more");

    const reopened = await c.tapLabel("Sửa bài");
    expect(c.texts(reopened)).toContain("Xem lại");
    expect((await c.state()).step.kind).toBe("review");
    await c.tap("s");
    const again = await officer.replies();
    expect(telegramTexts(again)).toContain("Bài tự đánh giá mới cần xác nhận");
    expect((await assessmentOf("web", c.web.account)).status).toBe("submitted");

    await tapLabel(officer, fake, "Xác nhận");
    expect(c.texts(await c.replies())).toContain("Chúc mừng");
    expect(await audit(a.id)).toEqual([
      "assessment.submit::>",
      "assessment.decide:telegram:submitted>needs_more",
      "assessment.submit::>",
      "assessment.decide:telegram:submitted>confirmed",
    ]);
  });
});
