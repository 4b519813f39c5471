// Officer review in chat, end to end: real PostgreSQL and Redis, the fake Telegram Bot API and the web
// chat in one app process. Citizens submit on one channel, officers decide on another, and each is told.
import { describe, expect, it } from "vitest";
import type { CriteriaSet } from "../../../rules/index.ts";
import type { Runtime } from "../../../server/runtime.ts";
import { driveToVerdict } from "../../support/drive.ts";
import type { FakeTelegram } from "../../support/fake-telegram.ts";
import { inviteOfficer, tapLabel, telegramTexts, webOfficerOf, WebUser, useReviewChat } from "../../support/review-chat.ts";
import { TelegramCitizen } from "../../support/telegram-citizen.ts";
import { addUnit } from "../../support/telegram-runtime.ts";

let fake: FakeTelegram;
let rt: Runtime;
let worker: CriteriaSet;

useReviewChat((chat) => ({ fake, rt, worker } = chat));

const telegram = () => new TelegramCitizen(() => rt, fake);
/** A new unit, known to the engine's unit directory at once (it caches for a few seconds). */
async function newUnit(name: string) {
  const unit = await addUnit(rt.db.pool, name);
  await rt.units.refresh();
  return unit;
}
const web = () => new WebUser(() => rt);

const invite = (unitCode: string, role: "officer" | "lead" = "officer") => inviteOfficer(rt, unitCode, role);
const webOfficer = (unitCode: string, role: "officer" | "lead" = "officer") => webOfficerOf(rt, unitCode, role);

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
    // The review opens at its first page; the send button is on the last.
    for (let page = 1; page < 20 && !c.currentActions().includes("s"); page++) await c.tap(`p.${page}`);
    await c.tap("s");
    const again = await officer.replies();
    expect(telegramTexts(again)).toContain("Bài tự đánh giá mới cần xác nhận");
    expect((await assessmentOf("web", c.web.account)).status).toBe("submitted");

    await tapLabel(officer, fake, "Xác nhận");
    expect(c.texts(await c.replies())).toMatch(/[Cc]húc mừng/);
    expect(await audit(a.id)).toEqual([
      "assessment.submit::>",
      "assessment.decide:telegram:submitted>needs_more",
      "assessment.submit::>",
      "assessment.decide:telegram:submitted>confirmed",
    ]);
  });
});

describe("deciding safely", () => {
  it("two officers tapping at once give one decision; the other is told who decided and when", async () => {
    const unit = await newUnit("Phường Đồng Thời");
    const a = await webOfficer(unit.code);
    const b = await webOfficer(unit.code);
    const c = telegram();
    await driveToVerdict(c, worker, unit.code, "best");
    await Promise.all([a.replies(), b.replies()]);
    const [ra, rb] = await Promise.all([a.tapLabel("Xác nhận"), b.tapLabel("Xác nhận")]);
    const answers = [a.texts(ra), b.texts(rb)];
    expect(answers.filter((t) => t.includes("Đã xác nhận bài của Nguyễn Thị Bình"))).toHaveLength(1);
    expect(answers.filter((t) => /Bài này đã được .+ quyết định \(xác nhận\) lúc \d\d:\d\d/.test(t))).toHaveLength(1);
    const told = telegramTexts(await c.replies());
    expect(told.match(/[Cc]húc mừng/g)).toHaveLength(1);
    const { rows } = await rt.db.pool.query(`SELECT count(*)::int AS n FROM assessment_decisions WHERE assessment_id = $1`, [(await assessmentOf("telegram", String(c.chatId))).id]);
    expect(rows[0].n).toBe(1);
  });

  it("a forged callback from an officer of another unit, or from a citizen, changes nothing", async () => {
    const unit = await newUnit("Xã Thật");
    const other = await newUnit("Xã Khác");
    await webOfficer(unit.code);
    const stranger = await webOfficer(other.code, "lead");
    const c = telegram();
    await driveToVerdict(c, worker, unit.code, "best");
    const a = await assessmentOf("telegram", String(c.chatId));
    const forged = await stranger.data(`R.ok.${a.id}`);
    expect(stranger.texts(forged)).toContain("không phụ trách đơn vị của bài này");
    const peeked = await stranger.data(`R.vw.${a.id}.0`);
    expect(stranger.texts(peeked)).not.toContain("Nguyễn Thị Bình");
    const citizen = telegram();
    await citizen.say("/start");
    const fromCitizen = await citizen.tapData(`R.rc.${a.id}.not_member`);
    expect(telegramTexts(fromCitizen)).not.toContain("Đã ghi nhận");
    expect((await assessmentOf("telegram", String(c.chatId))).status).toBe("submitted");
    expect(await audit(a.id)).toEqual(["assessment.submit::>"]);
  });

  it("an officer who is also a citizen of the unit is not sent, and cannot decide, their own assessment", async () => {
    const unit = await newUnit("Trường Tự Đánh Giá");
    const colleague = await webOfficer(unit.code);
    const me = web();
    await me.open();
    await driveToVerdict(me, worker, unit.code, "best");
    const inv = await invite(unit.code);
    const accepted = await me.start({ invite: inv.token });
    expect(me.texts(accepted)).toContain("Anh/chị đã là cán bộ phụ trách");
    const own = await assessmentOf("web", me.web.account);
    expect(me.texts(await me.say("/queue"))).toContain("Hàng chờ trống");
    expect(me.texts(await me.data(`R.ok.${own.id}`))).toContain("không thể tự xác nhận");
    expect((await assessmentOf("web", me.web.account)).status).toBe("submitted");
    // The colleague was told of it (the submission came before the invitation was accepted, to them only).
    expect(colleague.texts(await colleague.replies())).toContain("Bài tự đánh giá mới cần xác nhận");
    // Both roles in one chat: the citizen's own status still answers.
    expect(me.texts(await me.say("/status"))).toMatch(/đã gửi bài tự đánh giá năm/);
  });
});

describe("withdrawal and the queue", () => {
  it("a withdrawn assessment is shown as withdrawn to an officer who opens it, and cannot be decided", async () => {
    const unit = await newUnit("Xã Rút Lại");
    const officer = await webOfficer(unit.code);
    const c = telegram();
    await driveToVerdict(c, worker, unit.code, "best");
    await officer.replies();
    await c.say("/restart");
    await c.tap("x.y");
    expect(officer.texts(await officer.replies())).toContain("Nguyễn Thị Bình");
    const late = await officer.tapLabel("Xác nhận");
    expect(officer.texts(late)).toContain("đã rút lại bài tự đánh giá này");
    const { rows } = await rt.db.pool.query(
      `SELECT a.status FROM assessments a JOIN channel_accounts c ON c.person_id = a.person_id WHERE c.external_id = $1 AND a.status <> 'in_progress'`,
      [String(c.chatId)],
    );
    expect(rows.map((r) => r.status)).toEqual(["withdrawn"]);
  });

  it("/queue lists the oldest first; a rejection with a reason button reaches the citizen; Tiếp opens the next", async () => {
    const unit = await newUnit("Phường Hàng Chờ");
    const officer = await webOfficer(unit.code);
    const first = telegram();
    const second = telegram();
    await driveToVerdict(first, worker, unit.code, "best");
    await driveToVerdict(second, worker, unit.code, "worst");
    await officer.replies();
    const list = await officer.say("HÀNG CHỜ");
    expect(officer.texts(list)).toContain("Hàng chờ: 2 bài");
    expect(officer.texts(list)).toMatch(/1\. Nguyễn Thị Bình \(1975\) – Phường Hàng Chờ – \d+ điểm, Đạt/);
    const opened = await officer.tapLabel("Xem 1");
    expect(officer.texts(opened)).toContain("Bài tự đánh giá chờ xác nhận");
    const details = await officer.tapLabel("Xem chi tiết");
    expect(officer.texts(details)).toMatch(/Câu trả lời của Nguyễn Thị Bình \(trang 1\/\d+\)/);
    const ask = await officer.tapLabel("Không xác nhận");
    expect(officer.texts(ask)).toContain("Vì sao không xác nhận");
    const done = await officer.tapLabel("Thiếu minh chứng cho câu trả lời");
    expect(officer.texts(done)).toContain("Còn 1 bài đang chờ.");
    expect(telegramTexts(await first.replies())).toContain("Lý do: Thiếu minh chứng cho câu trả lời");
    const next = await officer.tapLabel("Tiếp");
    expect(officer.texts(next)).toContain("Chưa đạt");
    const last = await officer.tapLabel("Xác nhận");
    expect(officer.texts(last)).toContain("Còn 0 bài đang chờ.");
    expect(last.flatMap((m) => (m.buttons ?? []).flat())).toEqual([]);
    expect((await assessmentOf("telegram", String(first.chatId))).status).toBe("rejected");
    expect((await assessmentOf("telegram", String(second.chatId))).status).toBe("confirmed");
  });

  it("a unit without an officer sends its submissions to the parent unit's officers at once", async () => {
    const parent = await newUnit("Xã Mẹ");
    const { rows } = await rt.db.pool.query(`INSERT INTO units (code, name, kind, parent_id) VALUES ($1, 'Thôn Không Cán Bộ', 'village', $2) RETURNING code`, [`${parent.code}-T1`, parent.id]);
    await rt.units.refresh();
    const officer = await webOfficer(parent.code);
    const c = telegram();
    await driveToVerdict(c, worker, rows[0].code, "best");
    expect(officer.texts(await officer.replies())).toContain("Thôn Không Cán Bộ");
    await officer.tapLabel("Xác nhận");
    expect((await assessmentOf("telegram", String(c.chatId))).status).toBe("confirmed");
  });
});
