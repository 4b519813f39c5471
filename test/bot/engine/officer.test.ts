// Officer review in the pure engine: what an event needs of the database (reviewNeeds), an invitation
// typed on Zalo before consent, and the rendering of the server's outcomes (ctx.review).
import { describe, expect, it } from "vitest";
import { initialState, step, type ConversationState } from "../../../bot/engine/index.ts";
import { reviewNeeds } from "../../../bot/engine/flows/officer-needs.ts";
import type { ReviewCard, ReviewContext } from "../../../bot/review.ts";
import { createTranslateSync } from "../../../bot/i18n.ts";
import { keyTranslate, makeContext } from "../support/context.ts";

const PERSON = "11111111-2222-4333-8444-555555555555";
const ID = "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee";
const keys = (r: { messages: { text: string }[] }) => r.messages.map((m) => m.text.split("|")[0]);
const consented = (): ConversationState => ({ ...initialState(), step: { kind: "group" }, consentVersion: "consent-2025-01", seq: 4 });

describe("reviewNeeds", () => {
  const now = new Date("2025-10-02T03:00:00Z");
  it("asks for nothing on a citizen's ordinary answer, and for nothing before consent", () => {
    expect(reviewNeeds(consented(), { type: "text", text: "Nguyễn Văn A" }, PERSON, keyTranslate, now)).toEqual([]);
    expect(reviewNeeds(initialState(), { type: "text", text: "CB-12345-ABCDE" }, undefined, keyTranslate, now)).toEqual([]);
  });

  it("reads decisions, queue pages, invitations and a typed reason", () => {
    const s = consented();
    expect(reviewNeeds(s, { type: "button", data: `R.ok.${ID}` }, PERSON, keyTranslate, now)).toEqual([{ kind: "decide", assessmentId: ID, decision: "confirmed" }]);
    expect(reviewNeeds(s, { type: "button", data: `R.rc.${ID}.not_member` }, PERSON, keyTranslate, now)).toEqual([
      { kind: "decide", assessmentId: ID, decision: "rejected", reasonCode: "not_member" },
    ]);
    expect(reviewNeeds(s, { type: "button", data: "R.ok.not-a-uuid" }, PERSON, keyTranslate, now)).toEqual([]);
    // A lead's revision: to confirmed, or with a common reason; anything else is no need at all.
    expect(reviewNeeds(s, { type: "button", data: `R.rv.${ID}.c` }, PERSON, keyTranslate, now)).toEqual([{ kind: "revise", assessmentId: ID, decision: "confirmed" }]);
    expect(reviewNeeds(s, { type: "button", data: `R.rv.${ID}.r.not_member` }, PERSON, keyTranslate, now)).toEqual([
      { kind: "revise", assessmentId: ID, decision: "rejected", reasonCode: "not_member" },
    ]);
    expect(reviewNeeds(s, { type: "button", data: `R.rv.${ID}.r` }, PERSON, keyTranslate, now)).toEqual([]);
    expect(reviewNeeds(s, { type: "button", data: `R.rv.${ID}.x` }, PERSON, keyTranslate, now)).toEqual([]);
    expect(reviewNeeds(s, { type: "button", data: `R.q.${(1_700_000_000_000).toString(36)}.${ID}` }, PERSON, keyTranslate, now)).toEqual([
      { kind: "queue", after: { at: 1_700_000_000_000, id: ID } },
    ]);
    const words = createTranslateSync();
    for (const text of ["HÀNG CHỜ", "hang cho", "/queue", "Queue", "xem hàng chờ"]) {
      expect(reviewNeeds(s, { type: "text", text }, PERSON, words, now)).toEqual([{ kind: "queue" }]);
    }
    expect(reviewNeeds(s, { type: "text", text: "hàng" }, PERSON, words, now)).toEqual([]);
    expect(reviewNeeds(s, { type: "command", name: "queue" }, PERSON, words, now)).toEqual([{ kind: "queue" }]);
    expect(reviewNeeds(s, { type: "text", text: " cb 12345 abcde " }, PERSON, keyTranslate, now)).toEqual([{ kind: "accept", secret: { code: "cb 12345 abcde" } }]);
    const waiting = { ...s, officer: { awaiting: { id: ID, decision: "needs_more", at: now.getTime() - 60_000 } } };
    expect(reviewNeeds(waiting, { type: "text", text: "Gửi thêm ảnh" }, PERSON, keyTranslate, now)).toEqual([
      { kind: "decide", assessmentId: ID, decision: "needs_more", reason: "Gửi thêm ảnh" },
    ]);
    // A reason is awaited for half an hour only; commands are never a reason.
    expect(reviewNeeds(waiting, { type: "text", text: "Gửi thêm ảnh" }, PERSON, keyTranslate, new Date(now.getTime() + 31 * 60_000))).toEqual([]);
    expect(reviewNeeds(waiting, { type: "text", text: "/status" }, PERSON, keyTranslate, now)).toEqual([]);
  });
});

describe("an invitation typed on Zalo before consent", () => {
  it("is kept, the consent is asked, and the server's acceptance is announced with the next message", () => {
    const first = step(initialState(), { type: "text", text: "CB-12345-ABCDE" }, makeContext());
    expect(first.state.officer).toEqual({ invite: { code: "CB-12345-ABCDE" } });
    expect(keys(first)).toContain("officer.invite_after_consent");
    expect(keys(first)).toContain("consent.text");
    expect(reviewNeeds(first.state, { type: "text", text: "1980" }, PERSON, keyTranslate, new Date())).toEqual([
      { kind: "accept", secret: { code: "CB-12345-ABCDE" } },
    ]);
    const review: ReviewContext = { accepted: { ok: true, unitCode: "PHUONG1", unitName: "Phường 1", role: "officer" } };
    const later = step({ ...consented(), officer: first.state.officer! }, { type: "button", data: "4.g.0" }, { ...makeContext({ personId: PERSON }), review });
    expect(keys(later)[0]).toBe("officer.invite_done");
    expect(later.state.officer).toBeUndefined();
  });
});

describe("rendering the server's outcome", () => {
  it("tells the officer and addresses the citizen's notice to the citizen, in each language", () => {
    const review: ReviewContext = {
      decided: { ok: true, assessmentId: ID, decision: "needs_more", year: 2025, fullName: "Y Moan", citizenPersonId: PERSON, citizenBirthYear: 1950, citizenGroup: "resident", reason: "Gửi ảnh", reasonCode: null, questions: [], setId: "test-worker", setVersion: "2025.1", pending: 0 },
    };
    const r = step(consented(), { type: "button", data: `R.nm.${ID}` }, { ...makeContext({ personId: "99999999-2222-4333-8444-555555555555" }), review });
    // R.nm needs the card (to ask for the request); with only a decision outcome it is an old button.
    expect(keys(r)).toContain("button.stale");
    const done = step(consented(), { type: "button", data: `R.mc.${ID}.add_evidence` }, { ...makeContext({ personId: "99999999-2222-4333-8444-555555555555" }), review });
    const worded = step(consented(), { type: "button", data: `R.mc.${ID}.add_evidence` }, { ...makeContext({ personId: "99999999-2222-4333-8444-555555555555", t: createTranslateSync() }), review });
    // Born 1950: addressed as "ông/bà" in their notice, as in their own conversation.
    expect(worded.messages.find((m) => m.to?.kind === "person" && m.lang === "vi")!.text).toMatch(/^Cán bộ phụ trách đề nghị ông\/bà bổ sung/);
    expect(done.messages[0]!.text).toContain("officer.done_more");
    const citizen = done.messages.filter((m) => m.to?.kind === "person");
    expect(citizen.map((m) => [m.lang, m.lane, m.text.split("|")[0], m.buttons?.[0]?.[0]?.data])).toEqual([
      ["vi", "notice", "officer.citizen_more", `R.ed.${ID}`],
      ["en", "notice", "en:officer.citizen_more", `R.ed.${ID}`],
    ]);
  });

  it("answers a refused decision with who decided first, and changes nothing else", () => {
    const review: ReviewContext = { decided: { ok: false, code: "already_decided", earlier: { status: "confirmed", byName: "Lê Văn A", at: "2025-10-02T02:00:00Z" } } };
    const r = step(consented(), { type: "button", data: `R.ok.${ID}` }, { ...makeContext({ personId: PERSON }), review });
    expect(r.messages).toHaveLength(1);
    expect(r.messages[0]!.text).toMatch(/^officer\.refused_decided\|.*"by":"Lê Văn A".*"at":"09:00/);
    expect(r.effects).toEqual([]);
  });
});

describe("/status after the officers decided", () => {
  const submitted = (): ConversationState => ({
    ...consented(),
    step: { kind: "submitted" },
    assessment: { setId: "test-worker", setVersion: "2025.1", year: 2025, answers: {}, evidence: {}, submitted: { verdict: "dat", total: 90, max: 100 } },
  });
  const now = new Date("2025-10-02T03:00:00Z");

  it("asks for the officers' notices while a submitted citizen is asked to confirm /restart, and the confirmation replaces each card", () => {
    const asking = { ...submitted(), dialog: "restart" as const };
    expect(reviewNeeds(asking, { type: "button", data: `${asking.seq.toString(36)}.x.y` }, PERSON, keyTranslate, now)).toEqual([{ kind: "withdrawing" }]);
    expect(reviewNeeds(submitted(), { type: "text", text: "xin chào" }, PERSON, keyTranslate, now)).toEqual([]);
    const ACCOUNT = "cccccccc-bbbb-4ccc-8ddd-eeeeeeeeeeee";
    const withdrawing = { assessmentId: ID, notices: [{ accountId: ACCOUNT, messageId: "41" }, { accountId: PERSON, messageId: null }] };
    const r = step(
      { ...asking, profile: { unitId: "unit-1", unitName: "Phường 1", fullName: "Y Moan" } },
      { type: "button", data: `${asking.seq.toString(36)}.x.y` },
      { ...makeContext({ personId: PERSON }), review: { withdrawing } },
    );
    const notices = r.messages.filter((m) => m.to !== undefined && m.lang === "vi");
    expect(notices.map((m) => [m.to, m.replaces, m.buttons, m.text.split("|")[0]])).toEqual([
      [{ kind: "account", accountId: ACCOUNT }, "41", undefined, "officer_notice.withdrawn"],
      [{ kind: "account", accountId: PERSON }, undefined, undefined, "officer_notice.withdrawn"],
    ]);
    expect(r.effects).toContainEqual({ type: "assessment.withdraw" });
  });

  it("asks the server for the latest assessment when the citizen has submitted, by command or word", () => {
    const words = createTranslateSync();
    expect(reviewNeeds(submitted(), { type: "command", name: "status" }, PERSON, words, now)).toEqual([{ kind: "mine" }]);
    expect(reviewNeeds(submitted(), { type: "text", text: "trạng thái" }, PERSON, words, now)).toEqual([{ kind: "mine" }]);
    // Not submitted: the state says where the citizen is, no database read.
    expect(reviewNeeds(consented(), { type: "command", name: "status" }, PERSON, words, now)).toEqual([]);
  });

  it("tells the decision instead of 'waiting': confirmed, not confirmed with the reason, needs more with which questions", () => {
    const ctx = (mine: ReviewContext["mine"]) => ({ ...makeContext({ personId: PERSON }), review: { mine } });
    const run = (mine: ReviewContext["mine"]) => step(submitted(), { type: "command", name: "status" }, ctx(mine));
    expect(run(undefined).messages[0]!.text).toContain("status.submitted");
    expect(run({ assessmentId: ID, status: "submitted", reason: null, reasonCode: null, questions: [] }).messages[0]!.text).toContain("status.submitted");
    const confirmed = run({ assessmentId: ID, status: "confirmed", reason: null, reasonCode: null, questions: [] }).messages[0]!;
    expect(confirmed.text).toContain("status.confirmed");
    expect(confirmed.text).not.toContain("status.submitted");
    expect(run({ assessmentId: ID, status: "rejected", reason: "Không thuộc đơn vị", reasonCode: null, questions: [] }).messages[0]!.text).toContain(
      'status.rejected|{"year":2025,"reason":"Không thuộc đơn vị"}',
    );
    expect(run({ assessmentId: ID, status: "rejected", reason: null, reasonCode: "not_member", questions: [] }).messages[0]!.text).toContain("officer.reason_not_member");
    const more = run({ assessmentId: ID, status: "needs_more", reason: "Gửi ảnh", reasonCode: null, questions: ["read", "hours"] }).messages[0]!;
    expect(more.text).toContain('status.needs_more|{"year":2025,"request":"Gửi ảnh"}');
    expect(more.text).toMatch(/status\.needs_more_questions\|\{"questions":"1, \d+[a-z]?"\}/);
    expect(more.buttons?.[0]?.[0]?.data).toBe(`R.ed.${ID}`);
  });
});

describe("needs_more names the answers", () => {
  const OFFICER = "99999999-2222-4333-8444-555555555555";
  const answers = { read: "often", has_plan: true, hours: 20, uses: ["email", "egov"], calc: 3, teach: false };
  const card: ReviewCard = {
    assessmentId: ID, status: "submitted", citizenPersonId: null, fullName: "Y Moan", birthYear: 1980, targetGroup: "worker",
    unitName: "Phường 1", unitCode: "PHUONG1", setId: "test-worker", setVersion: "2025.1", year: 2025, total: 80, verdict: "dat",
    score: null, answers, evidence: {}, evidenceCount: 0, submittedAt: "2025-10-01T03:00:00Z",
  };
  const officerCtx = (review: ReviewContext) => ({ ...makeContext({ personId: OFFICER }), review });
  const now = new Date("2025-10-02T03:00:00Z");

  it("the officer ticks questions (in place), and the decision carries exactly those; a note goes with them", () => {
    const ask = step(consented(), { type: "button", data: `R.nm.${ID}` }, officerCtx({ card: { ok: true, card } }));
    const picker = ask.messages[0]!;
    expect(picker.text).toContain("officer.ask_more");
    const data = picker.buttons!.flat().map((b) => b.data);
    expect(data).toContain(`R.mt.${ID}.0`);
    expect(data).toContain(`R.ms.${ID}`);
    expect(data).toContain(`R.mc.${ID}.add_evidence`);
    // One toggle per visible question: read, has_plan, hours (shown: has_plan is yes), uses, calc, teach.
    expect(data.filter((d) => d.startsWith("R.mt."))).toHaveLength(6);

    const tick = (s: ConversationState, i: number) =>
      step(s, { type: "button", data: `R.mt.${ID}.${i}`, messageId: "77" }, officerCtx({ card: { ok: true, card } }));
    const one = tick(ask.state, 0);
    const two = tick(one.state, 2);
    expect(two.messages[0]!.replaces).toBe("77");
    expect(two.messages[0]!.buttons!.flat().filter((b) => b.label.startsWith("✓ ")).map((b) => b.data)).toEqual([`R.mt.${ID}.0`, `R.mt.${ID}.2`]);
    // Ticking again unticks.
    const back = tick(two.state, 0);
    expect(back.messages[0]!.buttons!.flat().filter((b) => b.label.startsWith("✓ ")).map((b) => b.data)).toEqual([`R.mt.${ID}.2`]);

    expect(reviewNeeds(two.state, { type: "button", data: `R.ms.${ID}` }, OFFICER, keyTranslate, now)).toEqual([
      { kind: "decide", assessmentId: ID, decision: "needs_more", questions: ["read", "hours"] },
    ]);
    expect(reviewNeeds(two.state, { type: "text", text: "Ghi rõ số giờ" }, OFFICER, keyTranslate, now)).toEqual([
      { kind: "decide", assessmentId: ID, decision: "needs_more", reason: "Ghi rõ số giờ", questions: ["read", "hours"] },
    ]);
    expect(reviewNeeds(two.state, { type: "button", data: `R.mc.${ID}.add_evidence` }, OFFICER, keyTranslate, now)).toEqual([
      { kind: "decide", assessmentId: ID, decision: "needs_more", reasonCode: "add_evidence", questions: ["read", "hours"] },
    ]);
    // Another assessment's "Gửi" does not take these ticks.
    const OTHER = "bbbbbbbb-bbbb-4ccc-8ddd-eeeeeeeeeeee";
    expect(reviewNeeds(two.state, { type: "button", data: `R.ms.${OTHER}` }, OFFICER, keyTranslate, now)).toEqual([
      { kind: "decide", assessmentId: OTHER, decision: "needs_more" },
    ]);
  });

  it("the citizen is told which questions, and 'Sửa bài' walks exactly those, then offers to send again", () => {
    const decided: ReviewContext = {
      decided: {
        ok: true, assessmentId: ID, decision: "needs_more", year: 2025, fullName: "Y Moan", citizenPersonId: PERSON, citizenBirthYear: 1980,
        citizenGroup: "worker", reason: null, reasonCode: null, questions: ["read", "hours"], setId: "test-worker", setVersion: "2025.1", pending: 0,
      },
    };
    const told = step(consented(), { type: "button", data: `R.ms.${ID}` }, officerCtx(decided));
    const notice = told.messages.find((m) => m.to?.kind === "person" && m.lang === "vi")!;
    expect(notice.text).toContain('officer.citizen_more_questions|{"questions":"1, 2a"}');

    const submitted: ConversationState = {
      ...consented(),
      step: { kind: "submitted" },
      assessment: { setId: "test-worker", setVersion: "2025.1", year: 2025, answers: { ...answers }, evidence: {}, submitted: { verdict: "dat", total: 80, max: 100 } },
    };
    const ctx = { ...makeContext({ personId: PERSON }), review: { own: { assessmentId: ID, status: "needs_more", questions: ["hours", "read"] } } };
    const reopened = step(submitted, { type: "button", data: `R.ed.${ID}` }, ctx);
    expect(reopened.messages[0]!.text).toContain('officer.citizen_edit_named|{"questions":"1, 2a"}');
    expect(reopened.state.step).toEqual({ kind: "question", qid: "read", edit: true });
    // Answering the first named question goes to the second named one, not the review …
    const seq = reopened.state.seq.toString(36);
    const answered = step(reopened.state, { type: "button", data: `${seq}.a.1` }, makeContext({ personId: PERSON }));
    expect(answered.state.step).toMatchObject({ kind: "evidence", qid: "read", edit: true });
    const second = step(answered.state, { type: "button", data: `${answered.state.seq.toString(36)}.e.n` }, makeContext({ personId: PERSON }));
    expect(second.state.step).toMatchObject({ kind: "question", qid: "hours", edit: true });
    // … and answering that one ends at the review's last page, where "Gửi" is.
    const last = step(second.state, { type: "text", text: "25" }, makeContext({ personId: PERSON }));
    expect(last.state.step).toEqual({ kind: "review", page: 0 });
    expect(last.messages.at(-1)!.buttons!.flat().map((b) => b.data)).toContain(`${last.state.seq.toString(36)}.s`);
    expect(last.state.assessment!.answers).toMatchObject({ read: "sometimes", hours: 25 });
    expect(last.state.assessment!.revisit).toBeUndefined();
  });
});
