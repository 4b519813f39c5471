// The administrator's campaign buttons on the dashboard (own database: the overview lists the newest
// campaigns of the whole database, which other files would push off the list): start, pause, resume and
// cancel as the status allows, through the API's rules and audit; officers get no buttons and a 403;
// a stale button says why nothing changed; a form from another site is refused. Then on a phone-sized
// chromium: test-output/dashboard-campaigns*.png.
import { randomBytes } from "node:crypto";
import { mkdir } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSignInLink } from "../../../server/api/sessions.ts";
import { SESSION_COOKIE } from "../../../server/api/auth.ts";
import { createLogger } from "../../../server/logger.ts";
import { createRuntime, type Runtime } from "../../../server/runtime.ts";
import { admin, ADMIN_TOKEN, insertOfficer, insertUnit } from "../../support/admin-api.ts";
import { testConfig } from "../../support/env.ts";
import { ownDatabase, type OwnDatabase } from "../../support/own-database.ts";
import { freePort } from "../../support/processes.ts";
import { launchChromium, phoneContext } from "../../support/web-browser.ts";

const OUTPUT = fileURLToPath(new URL("../../../test-output/", import.meta.url));
const YEAR = new Date().getUTCFullYear() + 1;
let db: OwnDatabase;
let rt: Runtime;
let baseURL: string;
let adminCookie: string;
let officerCookie: string;

beforeAll(async () => {
  db = await ownDatabase("campdash");
  const port = await freePort();
  baseURL = `http://127.0.0.1:${port}`;
  const config = testConfig({ DATABASE_URL: db.url, ADMIN_TOKEN, PUBLIC_BASE_URL: baseURL, REDIS_PREFIX: `${testConfig().redisPrefix}_cc${randomBytes(3).toString("hex")}` });
  rt = await createRuntime(config, createLogger(config), { workers: false });
  await rt.app.listen({ host: "127.0.0.1", port });
  await insertUnit(db.pool, "TINH", "province");
  await insertUnit(db.pool, "XA-A", "commune", "TINH");
  adminCookie = cookieOf(await rt.app.inject({ method: "POST", url: "/dashboard/sign-in", payload: { token: ADMIN_TOKEN } }));
  const link = await createSignInLink(db.pool, await insertOfficer(db.pool, ["XA-A"]), baseURL);
  officerCookie = cookieOf(await rt.app.inject({ method: "POST", url: "/dashboard/sign-in", payload: { link: link!.token } }));
}, 60_000);

afterAll(async () => {
  await rt?.close();
  await db?.drop();
});

function cookieOf(res: { statusCode: number; headers: Record<string, unknown> }): string {
  expect(res.statusCode).toBe(303);
  const value = new RegExp(`${SESSION_COOKIE}=([^;]+)`).exec(String(res.headers["set-cookie"]))?.[1];
  expect(value).toBeTruthy();
  return `${SESSION_COOKIE}=${value}`;
}

async function campaign(name: string): Promise<string> {
  const res = await rt.app.inject({
    method: "POST", url: "/api/v1/campaigns", headers: admin,
    payload: { preset: "learning-week", year: YEAR, from: `${YEAR}-10-01`, to: `${YEAR}-10-07`, units: ["XA-A"], name },
  });
  expect(res.statusCode).toBe(201);
  return res.json().id;
}

/** As a browser sends a dashboard form: the session cookie and this site's Origin. */
const post = (url: string, cookie: string, origin = baseURL) =>
  rt.app.inject({ method: "POST", url, headers: { cookie, origin, "content-type": "application/x-www-form-urlencoded" }, payload: "" });
const overview = async (cookie: string, url = "/dashboard") => {
  const res = await rt.app.inject({ method: "GET", url, headers: { cookie } });
  expect(res.statusCode).toBe(200);
  return res.body;
};
/** The campaign's list item in the overview's HTML. */
const itemOf = (page: string, id: string) => page.slice(page.indexOf(`<li class="campaign" data-id="${id}"`)).split("</li>")[0]!;
/** The buttons (actions) the item offers, and the form address of each. */
const buttons = (item: string) => [...item.matchAll(/<form method="post" action="([^"]+)"[^>]*><button type="submit" data-action="(\w+)"/g)].map((m) => ({ action: m[2]!, url: m[1]!.replaceAll("&amp;", "&") }));
const statusOf = async (id: string) => (await db.pool.query(`SELECT status FROM campaigns WHERE id = $1`, [id])).rows[0].status;
const audited = async (id: string) =>
  (await db.pool.query(`SELECT action, actor_kind, actor_id, details FROM audit_log WHERE details->>'campaign' = $1 AND action <> 'campaign.create' ORDER BY id`, [id])).rows;

describe("dashboard: campaign buttons", () => {
  it("let the administrator start, pause and resume a campaign from the page, audited as through the API", async () => {
    const id = await campaign("Tuần lễ học tập xã A");
    let page = await overview(adminCookie);
    expect(buttons(itemOf(page, id)).map((b) => b.action)).toEqual(["start", "cancel"]);

    for (const [action, status, label] of [["start", "running", "Đang chạy"], ["pause", "paused", "Tạm dừng"], ["resume", "running", "Đang chạy"]] as const) {
      const button = buttons(itemOf(page, id)).find((b) => b.action === action);
      expect(button, action).toBeDefined();
      const res = await post(button!.url, adminCookie);
      expect(res.statusCode, action).toBe(303);
      expect(res.headers.location).toBe(`/dashboard?campaign=${id}&action=${action}&outcome=done#campaigns`);
      expect(await statusOf(id)).toBe(status);
      page = await overview(adminCookie, String(res.headers.location).split("#")[0]);
      expect(page).toContain(`<p id="campaign-notice" class="ok" role="status">Chiến dịch “Tuần lễ học tập xã A” hiện ở trạng thái: ${label}.</p>`);
      expect(itemOf(page, id)).toContain(`<span class="state">${label}</span>`);
    }
    expect(buttons(itemOf(page, id)).map((b) => b.action)).toEqual(["pause", "cancel"]);
    expect(await audited(id)).toEqual([
      { action: "campaign.start", actor_kind: "admin", actor_id: null, details: { campaign: id, status: "running" } },
      { action: "campaign.pause", actor_kind: "admin", actor_id: null, details: { campaign: id, status: "paused" } },
      { action: "campaign.resume", actor_kind: "admin", actor_id: null, details: { campaign: id, status: "running" } },
    ]);
  });

  it("come back to the overview as it was, in English when it was", async () => {
    const id = await campaign("Learning week");
    const page = await overview(adminCookie, "/dashboard?lang=en&unit=XA-A");
    const start = buttons(itemOf(page, id)).find((b) => b.action === "start")!;
    expect(start.url).toBe(`/dashboard/campaigns/${id}/start?lang=en&unit=XA-A`);
    const res = await post(start.url, adminCookie);
    expect(res.headers.location).toBe(`/dashboard?lang=en&unit=XA-A&campaign=${id}&action=start&outcome=done#campaigns`);
    expect(await overview(adminCookie, String(res.headers.location).split("#")[0])).toContain("Campaign “Learning week” is now: Running.");
  });

  it("show an officer their campaign without buttons, and refuse their POST with a 403 that changes nothing", async () => {
    const id = await campaign("Chiến dịch của xã A");
    await post(`/dashboard/campaigns/${id}/start`, adminCookie);
    const page = await overview(officerCookie);
    expect(itemOf(page, id)).toContain("Chiến dịch của xã A");
    expect(page).not.toContain("/dashboard/campaigns/");
    expect(page).not.toContain("data-action=");

    for (const action of ["pause", "cancel"]) {
      const res = await post(`/dashboard/campaigns/${id}/${action}`, officerCookie);
      expect(res.statusCode).toBe(403);
      expect(res.body).toContain("Chỉ quản trị viên cấp tỉnh được bắt đầu, tạm dừng, tiếp tục hoặc huỷ chiến dịch");
    }
    expect(await statusOf(id)).toBe("running");
    expect((await audited(id)).map((a) => a.action)).toEqual(["campaign.start"]);
  });

  it("say why a stale button did nothing (a finished campaign cannot resume), in the page and without a change", async () => {
    const id = await campaign("Chiến dịch đã xong");
    await post(`/dashboard/campaigns/${id}/start`, adminCookie);
    await post(`/dashboard/campaigns/${id}/pause`, adminCookie);
    // The page with the resume button was open while the campaign finished.
    const resume = buttons(itemOf(await overview(adminCookie), id)).find((b) => b.action === "resume")!;
    await db.pool.query(`UPDATE campaigns SET status = 'finished', finished_at = now() WHERE id = $1`, [id]);
    const before = await audited(id);

    for (const [lang, text] of [
      ["vi", "Không thực hiện được “Tiếp tục”: chiến dịch “Chiến dịch đã xong” hiện ở trạng thái “Đã kết thúc”. Không có gì thay đổi."],
      ["en", "“Resume” was not done: campaign “Chiến dịch đã xong” is now “Finished”. Nothing was changed."],
    ] as const) {
      const res = await post(lang === "en" ? `${resume.url}?lang=en` : resume.url, adminCookie);
      expect(res.statusCode).toBe(303);
      const page = await overview(adminCookie, String(res.headers.location).split("#")[0]);
      expect(page).toContain(`<p id="campaign-notice" class="miss" role="alert">${text}</p>`);
      expect(itemOf(page, id)).not.toContain("data-action=");
    }
    expect(await statusOf(id)).toBe("finished");
    expect(await audited(id)).toEqual(before);

    const gone = await post("/dashboard/campaigns/00000000-0000-4000-8000-000000000000/pause", adminCookie);
    expect(gone.statusCode).toBe(303);
    expect(await overview(adminCookie, String(gone.headers.location).split("#")[0])).toContain("Không tìm thấy chiến dịch này");
  });

  it("refuse a campaign form sent from another site, changing nothing", async () => {
    const id = await campaign("Chiến dịch bị giả mạo");
    const res = await post(`/dashboard/campaigns/${id}/start`, adminCookie, "https://evil.example");
    expect(res.statusCode).toBe(403);
    expect(res.body).toContain("không được gửi từ trang bảng điều khiển");
    expect(await statusOf(id)).toBe("draft");
    expect(await audited(id)).toEqual([]);
  });

  it("work on a phone in chromium: the buttons, a confirmed cancel, and the new status", async () => {
    await mkdir(OUTPUT, { recursive: true });
    let browser: Browser | undefined;
    try {
      browser = await launchChromium();
      const context = await phoneContext(browser, baseURL);
      const p = await context.newPage();
      const id = await campaign("Tuần lễ học tập trên điện thoại");
      await post(`/dashboard/campaigns/${id}/start`, adminCookie);
      await p.goto("/dashboard/sign-in");
      await p.fill("input[name=token]", ADMIN_TOKEN);
      await p.click("button[type=submit]");
      await p.waitForURL(/\/dashboard$/);
      const item = p.locator(`#campaigns li[data-id="${id}"]`);
      await item.locator('button[data-action="pause"]').scrollIntoViewIfNeeded();
      await p.locator("#campaigns").screenshot({ path: `${OUTPUT}dashboard-campaigns.png` });

      await item.locator('button[data-action="pause"]').click();
      await p.waitForURL(/outcome=done/);
      await expect(p.locator("#campaign-notice").textContent()).resolves.toContain("Tạm dừng");
      await expect(p.locator(`#campaigns li[data-id="${id}"] .state`).textContent()).resolves.toBe("Tạm dừng");
      expect(await statusOf(id)).toBe("paused");

      // Cancel asks first: declined, nothing happens; accepted, the campaign is cancelled.
      p.once("dialog", (d) => void d.dismiss());
      await p.locator(`#campaigns li[data-id="${id}"] button[data-action="cancel"]`).click();
      await p.waitForTimeout(500);
      expect(p.url()).toMatch(/action=pause&outcome=done/);
      expect(await statusOf(id)).toBe("paused");
      p.once("dialog", (d) => void d.accept());
      await p.locator(`#campaigns li[data-id="${id}"] button[data-action="cancel"]`).click();
      await p.waitForURL(/action=cancel&outcome=done/);
      await expect(p.locator(`#campaigns li[data-id="${id}"] .state`).textContent()).resolves.toBe("Đã huỷ");
      expect(await statusOf(id)).toBe("cancelled");
      await p.locator("#campaigns").screenshot({ path: `${OUTPUT}dashboard-campaigns-done.png` });
      await context.close();
    } finally {
      await browser?.close();
    }
  });
});
