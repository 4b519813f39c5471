// needs_more naming answers, end to end (real PostgreSQL and Redis, the fake Bot API, the web chat): the
// officer ticks questions and sends; the citizen is told which, /status says so, "Sửa bài" walks exactly
// those questions, and the resubmission is back in the queue.
import { describe, expect, it } from "vitest";
import type { CriteriaSet } from "../../../rules/index.ts";
import { questionLabels } from "../../../bot/engine/answers.ts";
import type { Runtime } from "../../../server/runtime.ts";
import { answerCurrent, driveToVerdict, submitReview } from "../../support/drive.ts";
import type { FakeTelegram } from "../../support/fake-telegram.ts";
import { tapLabel, telegramTexts, webOfficerOf, useReviewChat } from "../../support/review-chat.ts";
import { TelegramCitizen } from "../../support/telegram-citizen.ts";
import { addUnit } from "../../support/telegram-runtime.ts";

let fake: FakeTelegram;
let rt: Runtime;
let worker: CriteriaSet;

useReviewChat((chat) => ({ fake, rt, worker } = chat));

describe("needs_more names specific answers", () => {
  it("the officer ticks questions 2 and 5 and sends; the citizen is told, /status says so, 'Sửa bài' asks exactly those, resubmitting queues it again", async () => {
    const unit = await addUnit(rt.db.pool, "Phường Câu Hỏi");
    await rt.units.refresh();
    const officer = await webOfficerOf(rt, unit.code);
    const c = new TelegramCitizen(() => rt, fake);
    await driveToVerdict(c, worker, unit.code, "best");
    await officer.replies();

    const picker = await officer.tapLabel("Yêu cầu bổ sung");
    expect(officer.texts(picker)).toContain("Bấm số các câu cần xem lại");
    // A tick as the page sends it (with the id of the message tapped): the picker is re-rendered in place.
    const tick = async (label: string, messageId: string) => {
      const res = await officer.web.event({ type: "button", data: officer.buttonData(label), messageId });
      expect(res.statusCode).toBe(200);
      return officer.replies();
    };
    const one = await tick("2", picker[0]!.id);
    expect(officer.texts(one)).toContain("Câu cần xem lại: 2");
    expect(one[0]!.replaces).toBe(picker[0]!.id);
    const ticked = await tick("5", picker[0]!.id);
    expect(officer.texts(ticked)).toContain("Câu cần xem lại: 2, 5");
    const sent = await officer.tapLabel("Gửi yêu cầu");
    expect(officer.texts(sent)).toContain("Đã gửi yêu cầu bổ sung");

    const { labels } = questionLabels(worker);
    const idOf = (label: string) => [...labels].find(([, l]) => l === label)![0];
    const { rows } = await rt.db.pool.query(
      `SELECT a.id, a.status, d.details FROM assessments a JOIN channel_accounts ca ON ca.person_id = a.person_id
         JOIN assessment_decisions d ON d.assessment_id = a.id WHERE ca.external_id = $1`,
      [String(c.chatId)],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0].status).toBe("needs_more");
    expect(rows[0].details.questions).toEqual([idOf("2"), idOf("5")]);

    const told = telegramTexts(await c.replies());
    expect(told).toContain("Cán bộ đề nghị bổ sung");
    expect(told).toContain("Các câu cần xem lại: 2, 5.");
    const status = telegramTexts(await c.say("/status"));
    expect(status).toMatch(/Cán bộ phụ trách đề nghị .+ bổ sung bài tự đánh giá năm \d{4}: xem lại các câu dưới đây/);
    expect(status).toContain("Các câu cần xem lại: 2, 5.");
    expect(status).not.toContain("đang chờ");

    const reopened = await tapLabel(c, fake, "Sửa bài");
    expect(telegramTexts(reopened)).toContain("xem lại các câu 2, 5");
    const asked: string[] = [];
    for (let i = 0; i < 20; i++) {
      const s = await c.state();
      if (s.step.kind === "question" && asked.at(-1) !== s.step.qid) asked.push(s.step.qid);
      if (!(await answerCurrent(c, worker, "best", {}))) break;
    }
    expect(asked).toEqual([idOf("2"), idOf("5")]);
    expect((await c.state()).step.kind).toBe("review");
    await submitReview(c);
    expect(officer.texts(await officer.replies())).toContain("Bài tự đánh giá mới cần xác nhận");
    const again = await rt.db.pool.query(`SELECT status FROM assessments WHERE id = $1`, [rows[0].id]);
    expect(again.rows[0].status).toBe("submitted");
  });
});
