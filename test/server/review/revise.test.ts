// A lead revises a decision from the chat (real PostgreSQL and Redis, the fake Bot API, the web chat):
// the lead opens the decided assessment, taps another decision; it is audited and the citizen is told.
import { describe, expect, it } from "vitest";
import type { CriteriaSet } from "../../../rules/index.ts";
import type { Runtime } from "../../../server/runtime.ts";
import { driveToVerdict } from "../../support/drive.ts";
import type { FakeTelegram } from "../../support/fake-telegram.ts";
import { telegramTexts, webOfficerOf, type WebUser, useReviewChat } from "../../support/review-chat.ts";
import { TelegramCitizen } from "../../support/telegram-citizen.ts";
import { addUnit } from "../../support/telegram-runtime.ts";

let fake: FakeTelegram;
let rt: Runtime;
let worker: CriteriaSet;

useReviewChat((chat) => ({ fake, rt, worker } = chat));

const labels = (o: WebUser) => o.seen.flatMap((m) => (m.buttons ?? []).flat().map((b) => b.label));

describe("a lead revises a decision in chat", () => {
  it("the lead opens a confirmed assessment, changes it to not confirmed; audited, the citizen told; an officer cannot", async () => {
    const unit = await addUnit(rt.db.pool, "Phường Xem Lại");
    await rt.units.refresh();
    const officer = await webOfficerOf(rt, unit.code);
    const lead = await webOfficerOf(rt, unit.code, "lead");
    const c = new TelegramCitizen(() => rt, fake);
    await driveToVerdict(c, worker, unit.code, "best");
    await Promise.all([officer.replies(), lead.replies()]);
    await officer.tapLabel("Xác nhận");
    expect(telegramTexts(await c.replies())).toContain("đã được cán bộ phụ trách xác nhận");
    const { rows } = await rt.db.pool.query(
      `SELECT a.id FROM assessments a JOIN channel_accounts ca ON ca.person_id = a.person_id WHERE ca.external_id = $1`,
      [String(c.chatId)],
    );
    const id = rows[0].id as string;

    // The officer who is not a lead opens it: decided, no revision offered; a forged revision changes nothing.
    officer.seen = [];
    expect(officer.texts(await officer.data(`R.vw.${id}.0`))).toContain("đã được");
    expect(labels(officer).filter((l) => l.startsWith("Đổi thành"))).toEqual([]);
    expect(officer.texts(await officer.data(`R.rv.${id}.r.not_member`))).toContain("Chỉ trưởng ban");

    const opened = await lead.tapLabel("Xem chi tiết");
    const text = lead.texts(opened);
    expect(text).toMatch(/Quyết định hiện tại: xác nhận – .+, lúc \d\d:\d\d/);
    const offered = labels(lead).filter((l) => l.startsWith("Đổi thành"));
    expect(offered).not.toContain("Đổi thành: Xác nhận");
    const toRejected = offered.find((l) => l.startsWith("Đổi thành: Không xác nhận"))!;
    expect(toRejected).toBeDefined();
    const done = await lead.tapLabel(toRejected);
    expect(lead.texts(done)).toContain('từ "xác nhận" thành "không xác nhận"');

    const told = telegramTexts(await c.replies());
    expect(told).toContain("đã được trưởng ban xem xét lại");
    expect(told).toContain("chưa được xác nhận. Lý do:");
    const after = await rt.db.pool.query(`SELECT status, decided_by_id FROM assessments WHERE id = $1`, [id]);
    expect(after.rows[0].status).toBe("rejected");
    const audit = await rt.db.pool.query(`SELECT action, details FROM audit_log WHERE assessment_id = $1 ORDER BY id`, [id]);
    expect(audit.rows.map((r) => `${r.action}:${r.details.channel ?? ""}:${r.details.status_before ?? ""}>${r.details.status_after ?? ""}`)).toEqual([
      "assessment.submit::>",
      "assessment.decide:web:submitted>confirmed",
      "assessment.revise:web:confirmed>rejected",
    ]);
    const history = await rt.db.pool.query(`SELECT decision, revision FROM assessment_decisions WHERE assessment_id = $1 ORDER BY id`, [id]);
    expect(history.rows).toEqual([{ decision: "confirmed", revision: false }, { decision: "rejected", revision: true }]);
  });
});
