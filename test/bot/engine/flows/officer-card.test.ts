// What an officer reads about a citizen's answers – the details pages ("Xem chi tiết") and the list of
// questions of "Yêu cầu bổ sung" – with the real texts and the shipped criteria sets: each question
// speaks about the citizen, by the form of address their own chat uses and their name, never with a
// raw {{You}} placeholder; English questions read as asked ("Do you …").
import { describe, expect, it } from "vitest";
import { initialState, step, type ConversationState } from "../../../../bot/engine/index.ts";
import { createTranslateSync } from "../../../../bot/i18n.ts";
import type { ReviewCard } from "../../../../bot/review.ts";
import type { Lang, OutMessage } from "../../../../bot/types.ts";
import type { TargetGroup } from "../../../../rules/index.ts";
import { loadShippedSets } from "../../../../rules/load-file.ts";
import { catalogOf, makeContext } from "../../support/context.ts";

const sets = await loadShippedSets();
const OFFICER = "11111111-2222-4333-8444-555555555555";
const ID = "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee";

function card(group: TargetGroup, fullName: string | null, birthYear: number | null): ReviewCard {
  const set = sets.find((s) => s.targetGroup === group)!;
  const [first, second] = set.groups[0]!.indicators[0]!.questions;
  return {
    assessmentId: ID,
    status: "submitted",
    citizenPersonId: "99999999-2222-4333-8444-555555555555",
    fullName,
    birthYear,
    targetGroup: group,
    unitName: "Xã Ea Tiêu",
    unitCode: "EATIEU",
    setId: set.id,
    setVersion: set.version,
    year: 2026,
    total: 40,
    verdict: "chua_dat",
    score: null,
    answers: { [first!.id]: "done", [second!.id]: 12 },
    evidence: {},
    evidenceCount: 0,
    submittedAt: "2026-10-01T02:00:00Z",
  };
}

/** The officer taps a record button of the card; the text of every message the step says. */
function tap(data: string, review: ReviewCard, lang: Lang = "vi"): string {
  const officer: ConversationState = { ...initialState(lang), step: { kind: "group" }, consentVersion: "consent-2025-01", seq: 4 };
  const ctx = { ...makeContext({ now: "2026-10-02T03:00:00Z", t: createTranslateSync(), personId: OFFICER }), criteria: catalogOf(sets), review: { card: { ok: true as const, card: review } } };
  const r = step(officer, { type: "button", data }, ctx);
  return r.messages.map((m: OutMessage) => `${m.title ?? ""}\n${m.text}`).join("\n");
}

describe("an officer reads the citizen's answers", () => {
  it("details: an older villager's questions say ông/bà and the name, no placeholder", () => {
    const text = tap(`R.vw.${ID}.0`, card("resident", "Y Moan", 1950));
    expect(text).toContain("Câu trả lời của Y Moan (trang 1/");
    expect(text).toContain("1. Ông/bà Y Moan có dự tính học thêm cách làm ăn mới");
    expect(text).toContain("→ Có, đã học và làm theo");
    expect(text).toContain("2. Trong năm nay, ông/bà Y Moan đã học khoảng bao nhiêu giờ");
    expect(text).not.toContain("{{");
  });

  it("details: an adult worker's questions say anh/chị and the name", () => {
    const text = tap(`R.vw.${ID}.0`, card("worker", "Nguyễn Văn An", 1985));
    expect(text).toContain("1. Anh/chị Nguyễn Văn An có kế hoạch học thêm");
    expect(text).toContain("2. Trong năm nay, anh/chị Nguyễn Văn An đã dành khoảng bao nhiêu giờ");
    expect(text).not.toMatch(/\{\{|ông\/bà/i);
  });

  it("details without a name on record: the questions speak of the person assessed", () => {
    const text = tap(`R.vw.${ID}.0`, card("resident", null, null));
    expect(text).toContain("1. Người tự đánh giá có dự tính học thêm");
    expect(text).not.toContain("{{");
  });

  it("details in English read as the citizen was asked", () => {
    const text = tap(`R.vw.${ID}.0`, card("resident", "Y Moan", 1950), "en");
    expect(text).toContain("1. Do you plan to learn new ways of working");
    expect(text).not.toContain("{{");
  });

  it("the needs-more picker lists the questions about the citizen, no placeholder", () => {
    const text = tap(`R.nm.${ID}`, card("resident", "Y Moan", 1950));
    expect(text).toContain("Yêu cầu bổ sung – Y Moan");
    expect(text).toContain("1. Ông/bà Y Moan có dự tính học thêm");
    expect(text).toContain("2. Trong năm nay, ông/bà Y Moan đã học");
    expect(text).not.toContain("{{");
    const en = tap(`R.nm.${ID}`, card("resident", "Y Moan", 1950), "en");
    expect(en).toContain("1. Do you plan to learn");
    expect(en).not.toContain("{{");
  });
});
