// The dashboard's review queue and campaigns in a real browser (Debian's chromium, playwright-core) on a
// phone-sized screen: an officer sees the submissions they may decide, opens one, confirms one and
// rejects another with a reason from the buttons (the API's rules: the citizen is told through the
// outbox; a second decision is refused and says who came first), and sees their campaign's progress;
// the administrator reads the queue without buttons. Screenshots: test-output/dashboard-review*.png.
import { mkdir } from "node:fs/promises";
import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSignInLink } from "../../../server/api/sessions.ts";
import type { Runtime } from "../../../server/runtime.ts";
import { admin, ADMIN_TOKEN, adminRuntime, insertUnit, uniquePrefix } from "../../support/admin-api.ts";
import { freePort } from "../../support/processes.ts";
import { launchChromium, phoneContext } from "../../support/web-browser.ts";

const OUTPUT = fileURLToPath(new URL("../../../test-output/", import.meta.url));
const P = uniquePrefix();
const [T, A, B] = ["T", "A", "B"].map((s) => `${P}-${s}`) as [string, string, string];
const YEAR = new Date().getUTCFullYear();
let rt: Runtime;
let browser: Browser;
let baseURL: string;
const contexts: BrowserContext[] = [];

async function chatPerson(name: string): Promise<{ personId: string; chat: string }> {
  const personId = randomUUID();
  const chat = randomUUID();
  await rt.db.pool.query(`INSERT INTO people (id, full_name, birth_year, language, consent_version, consent_at) VALUES ($1, $2, 1975, 'vi', 'c1', now())`, [personId, name]);
  await rt.db.pool.query(`INSERT INTO channel_accounts (channel, external_id, person_id, last_interaction_at) VALUES ('web', $1, $2, now())`, [chat, personId]);
  return { personId, chat };
}

async function submitted(unit: string, personId: string, daysAgo: number): Promise<string> {
  const { rows } = await rt.db.pool.query(
    `INSERT INTO assessments (person_id, unit_id, target_group, set_id, set_version, year, status, answers, total, verdict, submitted_at)
     SELECT $1, id, 'resident', 'cdht-resident', '1', $3, 'submitted', '{"q1": "a", "q2": 3}', 86, 'dat', now() - make_interval(days => $4)
       FROM units WHERE code = $2 RETURNING id`,
    [personId, unit, YEAR, daysAgo],
  );
  return rows[0].id;
}

async function officer(unit: string, name: string): Promise<string> {
  const { personId } = await chatPerson(name);
  await rt.db.pool.query(`INSERT INTO officers (person_id, unit_id) SELECT $1, id FROM units WHERE code = $2`, [personId, unit]);
  return personId;
}

async function page(): Promise<Page> {
  const context = await phoneContext(browser, baseURL);
  contexts.push(context);
  return context.newPage();
}

async function signInOfficer(personId: string): Promise<Page> {
  const link = await createSignInLink(rt.db.pool, personId, baseURL);
  const p = await page();
  await p.goto(link!.url.replace(baseURL, ""));
  await p.click("#continue");
  await p.waitForURL(/\/dashboard$/);
  return p;
}

let anAlice = { personId: "", chat: "" };
let aliceId = "";
let bobId = "";
let ofB = "";
let officerOne = "";
let officerTwo = "";

beforeAll(async () => {
  await mkdir(OUTPUT, { recursive: true });
  browser = await launchChromium();
  const port = await freePort();
  baseURL = `http://127.0.0.1:${port}`;
  rt = await adminRuntime({ PUBLIC_BASE_URL: baseURL });
  await rt.app.listen({ host: "127.0.0.1", port });
  await insertUnit(rt.db.pool, T, "province");
  await insertUnit(rt.db.pool, A, "commune", T, 100);
  await insertUnit(rt.db.pool, B, "commune", T, 100);
  anAlice = await chatPerson("Nguyễn Thị Lan");
  aliceId = await submitted(A, anAlice.personId, 5);
  bobId = await submitted(A, (await chatPerson("Trần Văn Bình")).personId, 1);
  ofB = await submitted(B, (await chatPerson("Lê Văn Xã Khác")).personId, 2);
  officerOne = await officer(A, "Cán bộ Một");
  officerTwo = await officer(A, "Cán bộ Hai");
  // A campaign for commune A with one round materialised: 3 waiting, 1 skipped.
  const res = await rt.app.inject({ method: "POST", url: "/api/v1/campaigns", headers: admin, payload: { preset: "learning-week", year: YEAR, from: `${YEAR + 1}-10-01`, to: `${YEAR + 1}-10-07`, units: [A], name: "Tuần lễ học tập xã A" } });
  const campaignId = res.json().id;
  for (const [i, status] of (["pending", "pending", "pending", "skipped"] as const).entries()) {
    const { personId } = await chatPerson(`Người nhận ${i}`);
    await rt.db.pool.query(`INSERT INTO campaign_recipients (campaign_id, round, person_id, status, reason) VALUES ($1, 1, $2, $3::campaign_recipient_status, $4)`, [campaignId, personId, status, status === "skipped" ? "opted_out" : null]);
  }
  await rt.app.inject({ method: "POST", url: "/api/v1/campaigns", headers: admin, payload: { preset: "learning-week", year: YEAR, from: `${YEAR + 1}-10-01`, to: `${YEAR + 1}-10-07`, units: [B], name: "Chiến dịch xã B" } });
});
afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await browser?.close();
  await rt?.close();
});

const status = async (id: string) => (await rt.db.pool.query(`SELECT status, reason FROM assessments WHERE id = $1`, [id])).rows[0];
const toldCitizen = async (chat: string) => (await rt.db.pool.query(`SELECT payload FROM outbox WHERE channel = 'web' AND recipient = $1`, [chat])).rows;

describe("the dashboard's review queue and campaigns", () => {
  it("let an officer decide with the buttons, under the chat's rules, and show their campaign's progress", async () => {
    const p = await signInOfficer(officerOne);
    const items = () => p.locator("#review li.review-item").evaluateAll((li) => li.map((x) => (x as HTMLElement).dataset.id));
    expect(await items()).toEqual([aliceId, bobId]); // the oldest first, nothing of commune B
    await expect(p.locator("#review").textContent()).resolves.toContain("Đang chờ anh/chị xác nhận: 2 bài");
    await expect(p.locator("#campaigns").textContent()).resolves.toContain("Tuần lễ học tập xã A");
    await expect(p.locator("#campaigns").textContent()).resolves.not.toContain("Chiến dịch xã B");
    await expect(p.locator("#campaigns .progress").first().textContent()).resolves.toContain("Đã gửi 0 / 4 tin · đang chờ 3");
    await expect(p.locator("#campaigns .state").first().textContent()).resolves.toBe("Bản nháp");
    await p.screenshot({ path: `${OUTPUT}dashboard-review.png`, fullPage: true });

    // The detail page of the first submission, then confirm it there.
    await p.click(`li[data-id="${aliceId}"] a`);
    await p.waitForURL(new RegExp(`/dashboard/assessments/${aliceId}$`));
    await expect(p.locator("main").textContent()).resolves.toContain("Nguyễn Thị Lan");
    await expect(p.locator("main").textContent()).resolves.toContain("Chờ xác nhận");
    await p.click(`[data-for="${aliceId}"] button[data-decide="confirmed"]`);
    await p.waitForFunction((id) => document.querySelector(`[data-outcome="${id}"]`)!.textContent !== "", aliceId);
    await expect(p.locator(`[data-outcome="${aliceId}"]`).textContent()).resolves.toContain("Đã xác nhận");
    expect(await status(aliceId)).toEqual({ status: "confirmed", reason: null });
    expect(await toldCitizen(anAlice.chat)).toHaveLength(1);
    await p.screenshot({ path: `${OUTPUT}dashboard-review-detail.png`, fullPage: true });

    // Back on the overview: reject the other one with a reason typed into the prompt.
    await p.goto("/dashboard");
    expect(await items()).toEqual([bobId]);
    p.once("dialog", (d) => void d.accept("Chưa có minh chứng"));
    await p.click(`[data-for="${bobId}"] button[data-decide="rejected"]`);
    await p.waitForFunction((id) => document.querySelector(`[data-outcome="${id}"]`)!.textContent !== "", bobId);
    await expect(p.locator(`[data-outcome="${bobId}"]`).textContent()).resolves.toContain("không xác nhận");
    expect(await status(bobId)).toEqual({ status: "rejected", reason: "Chưa có minh chứng" });
  });

  it("tell the second officer who decided first, and change nothing", async () => {
    const late = await submitted(A, (await chatPerson("Phạm Thị Muộn")).personId, 3);
    const p = await signInOfficer(officerTwo);
    await expect(p.locator(`li[data-id="${late}"]`).count()).resolves.toBe(1);
    // Officer one decides in the meantime (through the API).
    const link = await createSignInLink(rt.db.pool, officerOne, baseURL);
    const session = (await rt.app.inject({ method: "POST", url: "/api/auth/sign-in", payload: { token: link!.token } })).json().token;
    const first = await rt.app.inject({ method: "POST", url: `/api/v1/assessments/${late}/decision`, headers: { authorization: `Bearer ${session}` }, payload: { decision: "confirmed" } });
    expect(first.statusCode).toBe(200);
    p.once("dialog", (d) => void d.accept("Thiếu minh chứng"));
    await p.click(`[data-for="${late}"] button[data-decide="needs_more"]`);
    await p.waitForFunction((id) => document.querySelector(`[data-outcome="${id}"]`)!.textContent !== "", late);
    await expect(p.locator(`[data-outcome="${late}"]`).textContent()).resolves.toContain("Cán bộ khác đã quyết định trước (Đã xác nhận, Cán bộ Một)");
    expect(await status(late)).toEqual({ status: "confirmed", reason: null });
    await p.screenshot({ path: `${OUTPUT}dashboard-review-late.png`, fullPage: true });
  });

  it("show the administrator every submitted assessment without decide buttons, and officers nothing of other communes", async () => {
    const p = await page();
    await p.goto("/dashboard/sign-in");
    await p.fill("input[name=token]", ADMIN_TOKEN);
    await p.click("button[type=submit]");
    await p.waitForURL(/\/dashboard$/);
    await p.goto(`/dashboard?unit=${T}`);
    const ids = await p.locator("#review li.review-item").evaluateAll((li) => li.map((x) => (x as HTMLElement).dataset.id));
    expect(ids).toContain(ofB);
    await expect(p.locator("#review button[data-decide]").count()).resolves.toBe(0);
    await expect(p.locator("#campaigns").textContent()).resolves.toContain("Chiến dịch xã B");

    const o = await signInOfficer(officerOne);
    const res = await o.goto(`/dashboard/assessments/${ofB}`);
    expect(res!.status()).toBe(404);
  });
});
