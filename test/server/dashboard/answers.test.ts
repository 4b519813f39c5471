// An assessment's page on the dashboard shows its answers question by question: the question's text
// from the set version the assessment began with, in Vietnamese or English, numbered and in the set's
// order, the answer in words (choice labels, yes/no, numbers with their unit), unanswered questions
// said so, and an answer the set does not know under its id; a set no longer loaded falls back to ids.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CriteriaSet } from "../../../rules/index.ts";
import { loadShippedSets } from "../../../rules/load-file.ts";
import type { Runtime } from "../../../server/runtime.ts";
import { admin, adminRuntime, insertUnit, uniquePrefix } from "../../support/admin-api.ts";

const P = uniquePrefix();
let rt: Runtime;
let set: CriteriaSet;

beforeAll(async () => {
  rt = await adminRuntime();
  await insertUnit(rt.db.pool, `${P}-X`, "commune");
  set = (await loadShippedSets()).find((s) => s.targetGroup === "resident")!;
  // The assessment's version is one the app has loaded (the shipped sets are published in a new database).
  expect(rt.criteria.get(set.id, set.version)).toBeDefined();
});
afterAll(async () => {
  await rt?.close();
});

async function assessment(setVersion: string, answers: Record<string, unknown>): Promise<string> {
  const { rows } = await rt.db.pool.query(
    `INSERT INTO assessments (unit_id, target_group, set_id, set_version, year, status, answers, total, verdict, submitted_at)
     SELECT id, 'resident', $2, $3, 2026, 'submitted', $4, 40, 'chua_dat', now() FROM units WHERE code = $1 RETURNING id`,
    [`${P}-X`, set.id, setVersion, JSON.stringify(answers)],
  );
  return rows[0].id;
}

const text = (h: string) =>
  h.replace(/<[^>]+>/g, "").replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");

/** The page's answer list: question id, the question as shown, the answer as shown. */
async function answersOn(url: string): Promise<{ id: string; question: string; answer: string }[]> {
  const res = await rt.app.inject({ method: "GET", url, headers: admin });
  expect(res.statusCode).toBe(200);
  return [...res.body.matchAll(/<li data-qid="([^"]+)"><div class="q">([\s\S]*?)<\/div>\n<div class="a[^"]*">([\s\S]*?)<\/div><\/li>/g)].map((m) => ({
    id: m[1]!,
    question: text(m[2]!),
    answer: text(m[3]!),
  }));
}

// Stored out of the set's order, with an answer to a question the set does not have.
const ANSWERS = { initiative: true, q3: "a", encourage_acts: ["children", "praise"], learn_hours: 12, lang_level: "basic", learn_plan: "done" };

describe("dashboard: an assessment's answers", () => {
  it("show each question's text in Vietnamese, in the set's order, with the answers in words", async () => {
    const id = await assessment(set.version, ANSWERS);
    const lines = await answersOn(`/dashboard/assessments/${id}`);
    const byId = Object.fromEntries(lines.map((l) => [l.id, l]));

    const setOrder = set.groups.flatMap((g) => g.indicators.flatMap((i) => i.questions.map((q) => q.id)));
    // Every question the citizen was shown (lang_use: because of lang_level), in set order; then the unknown id.
    expect(lines.map((l) => l.id)).toEqual([...setOrder, "q3"]);
    expect(byId.learn_plan).toEqual({ id: "learn_plan", question: "1. Ông/bà, anh/chị có dự tính học thêm cách làm ăn mới (giống mới, kỹ thuật mới, nghề mới) không?", answer: "Có, đã học và làm theo" });
    expect(byId.learn_hours!.question).toMatch(/^2\. Trong năm nay, ông\/bà, anh\/chị đã học khoảng bao nhiêu giờ/);
    expect(byId.learn_hours!.answer).toBe("12 giờ/năm");
    expect(byId.encourage_acts!.answer).toBe("Lo cho con cháu đi học đầy đủ; Khen thưởng, động viên con cháu học tốt");
    expect(byId.lang_level!.answer).toBe("Biết chào hỏi, vài câu đơn giản");
    expect(byId.lang_use!.question).toMatch(/^\d+a\. Ông\/bà, anh\/chị dùng hoặc học ngoại ngữ/);
    expect(byId.lang_use!.answer).toBe("Chưa trả lời");
    expect(byId.initiative!.answer).toBe("Có");
    expect(byId.q3).toEqual({ id: "q3", question: "q3", answer: "a" });
    expect(lines.every((l) => !l.question.includes("{{"))).toBe(true);
  });

  it("show them in English with ?lang=en", async () => {
    const id = await assessment(set.version, ANSWERS);
    const byId = Object.fromEntries((await answersOn(`/dashboard/assessments/${id}?lang=en`)).map((l) => [l.id, l]));
    expect(byId.learn_plan).toEqual({ id: "learn_plan", question: "1. Do you plan to learn new ways of working (new varieties, new techniques, a new trade)?", answer: "Yes, I have learned it and put it to use" });
    expect(byId.learn_hours!.answer).toBe("12 hours/year");
    expect(byId.encourage_acts!.answer).toBe("Made sure the children attend school; Praised and rewarded the children for doing well");
    expect(byId.initiative!.answer).toBe("Yes");
    expect(byId.lang_use!.answer).toBe("Not answered");
    expect(byId.q3).toEqual({ id: "q3", question: "q3", answer: "a" });
  });

  it("fall back to question ids when the assessment's set version is no longer loaded", async () => {
    const id = await assessment("0.0-gone", { learn_plan: "done", learn_hours: 12 });
    const res = await rt.app.inject({ method: "GET", url: `/dashboard/assessments/${id}`, headers: admin });
    expect(res.body).toContain(`Không còn bộ tiêu chí ${set.id} phiên bản 0.0-gone`);
    expect(await answersOn(`/dashboard/assessments/${id}`)).toEqual([
      { id: "learn_plan", question: "learn_plan", answer: "done" },
      { id: "learn_hours", question: "learn_hours", answer: "12" },
    ]);
  });
});
