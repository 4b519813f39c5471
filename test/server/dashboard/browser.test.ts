// The dashboard in a real browser (Debian's chromium, playwright-core) on a phone-sized screen: the
// administrator signs in, reads the overview with its charts, sorts the unit table, drills into a
// commune and checks an import file; an officer signs in with the link from chat and sees only their
// commune. Screenshots: test-output/dashboard-*.png.
import { mkdir } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import type { Browser, BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSignInLink } from "../../../server/api/sessions.ts";
import type { Runtime } from "../../../server/runtime.ts";
import { ADMIN_TOKEN, adminRuntime, insertOfficer, insertUnit, uniquePrefix } from "../../support/admin-api.ts";
import { freePort } from "../../support/processes.ts";
import { launchChromium, phoneContext } from "../../support/web-browser.ts";

const OUTPUT = fileURLToPath(new URL("../../../test-output/", import.meta.url));
const P = uniquePrefix();
const [T, A, B, A1] = ["T", "A", "B", "A1"].map((s) => `${P}-${s}`) as [string, string, string, string];
let rt: Runtime;
let browser: Browser;
let baseURL: string;
const contexts: BrowserContext[] = [];

async function confirmed(code: string, n: number, week: string) {
  await rt.db.pool.query(
    `INSERT INTO assessments (unit_id, target_group, set_id, set_version, year, status, submitted_at, decided_at)
     SELECT (SELECT id FROM units WHERE code = $1), 'resident', 'cdht-resident', '1', 2025, 'confirmed', $3::timestamptz, $3::timestamptz + interval '2 days'
       FROM generate_series(1, $2)`,
    [code, n, week],
  );
}

beforeAll(async () => {
  await mkdir(OUTPUT, { recursive: true });
  browser = await launchChromium();
  const port = await freePort();
  baseURL = `http://127.0.0.1:${port}`;
  rt = await adminRuntime({ PUBLIC_BASE_URL: baseURL });
  await rt.app.listen({ host: "127.0.0.1", port });
  await insertUnit(rt.db.pool, T, "province");
  await insertUnit(rt.db.pool, A, "commune", T, 100);
  await insertUnit(rt.db.pool, A1, "village", A, 40);
  await insertUnit(rt.db.pool, B, "commune", T, 50);
  await confirmed(A1, 30, "2025-03-03T03:00:00Z");
  await confirmed(B, 45, "2025-03-10T03:00:00Z");
  await rt.db.pool.query(`INSERT INTO unit_targets (unit_id, year, target_group, percent) SELECT id, 2025, 'resident', 50 FROM units WHERE code IN ($1, $2)`, [A, B]);
});
afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await browser?.close();
  await rt?.close();
});

async function page() {
  const context = await phoneContext(browser, baseURL);
  contexts.push(context);
  return context.newPage();
}

describe("the dashboard", () => {
  it("lets the administrator sign in, read the overview, sort units, drill down and check an import", async () => {
    const p = await page();
    await p.goto("/dashboard");
    expect(p.url()).toContain("/dashboard/sign-in");
    await p.fill("input[name=token]", "wrong-token-wrong-token");
    await p.click("button[type=submit]");
    await expect(p.getByRole("alert").textContent()).resolves.toContain("không đúng");
    await p.fill("input[name=token]", ADMIN_TOKEN);
    await p.click("button[type=submit]");
    await p.waitForURL(/\/dashboard$/);

    await p.goto(`/dashboard?unit=${T}&year=2025`);
    await expect(p.locator("h2").first().textContent()).resolves.toContain(`Đơn vị ${T}`);
    const codes = () => p.locator("#units tbody tr").evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.code));
    expect(await codes()).toEqual([B, A]); // by share, highest first: B 90%, A 30%
    await expect(p.locator(`#units tr[data-code="${A}"]`).textContent()).resolves.toContain("Chưa đạt");
    await expect(p.locator(`#units tr[data-code="${B}"]`).textContent()).resolves.toContain("Đạt");
    await p.click('th a[data-sort="code"]');
    expect(await codes()).toEqual([B, A]);
    await p.click('th a[data-sort="code"]');
    expect(await codes()).toEqual([A, B]);
    // Both charts load as images.
    await p.waitForFunction(() => Array.from(document.querySelectorAll("img.chart")).every((i) => (i as HTMLImageElement).complete && (i as HTMLImageElement).naturalWidth > 0));
    await p.screenshot({ path: `${OUTPUT}dashboard-overview.png`, fullPage: true });

    await p.click(`a:text-is("${A}")`);
    await p.waitForURL(new RegExp(`unit=${A}`));
    expect(await codes()).toEqual([A1]);

    const before = (await rt.db.pool.query(`SELECT count(*)::int AS n FROM units`)).rows[0].n;
    await p.setInputFiles("#import-file", { name: "don-vi.csv", mimeType: "text/csv", buffer: Buffer.from(`mã,tên,loại,mã cấp trên\n${P}-N1,Thôn Mới,thôn,${A}\n${P}-N2,Sai,thôn,${T}\n`) });
    await p.click("#import-check");
    await p.locator("#import-result ul.problems li").first().waitFor();
    await expect(p.locator("#import-result").textContent()).resolves.toContain("Dòng 3");
    expect((await rt.db.pool.query(`SELECT count(*)::int AS n FROM units`)).rows[0].n).toBe(before);
    await p.screenshot({ path: `${OUTPUT}dashboard-import.png`, fullPage: true });
  });

  it("lets an officer in with the link from chat, scoped to their commune", async () => {
    const person = await insertOfficer(rt.db.pool, [A]);
    const link = await createSignInLink(rt.db.pool, person, baseURL);
    const p = await page();
    await p.goto(link!.url.replace(baseURL, ""));
    await p.click("#continue");
    await p.waitForURL(/\/dashboard$/);
    await expect(p.locator("header").textContent()).resolves.toContain(`Đơn vị ${A}`);
    expect(await p.locator("#units tbody tr").evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.code))).toEqual([A]);
    const other = await p.goto(`/dashboard?unit=${B}`);
    expect(other!.status()).toBe(404);
    await p.screenshot({ path: `${OUTPUT}dashboard-officer.png`, fullPage: true });
  });
});
