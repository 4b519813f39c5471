// The criteria sets page in a real browser (Debian's chromium, phone-sized), on a database of its own:
// the administrator picks a broken file and reads its problems, picks a clean one, reads the preview and
// publishes it. Screenshots: test-output/dashboard-criteria-*.png.
import { randomBytes } from "node:crypto";
import { mkdir } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import type { Browser, BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CriteriaSet } from "../../../rules/index.ts";
import { loadShippedSets } from "../../../rules/load-file.ts";
import { createLogger } from "../../../server/logger.ts";
import { createRuntime, type Runtime } from "../../../server/runtime.ts";
import { ADMIN_TOKEN } from "../../support/admin-api.ts";
import { testConfig } from "../../support/env.ts";
import { ownDatabase, type OwnDatabase } from "../../support/own-database.ts";
import { freePort } from "../../support/processes.ts";
import { launchChromium, phoneContext } from "../../support/web-browser.ts";

const OUTPUT = fileURLToPath(new URL("../../../test-output/", import.meta.url));
let db: OwnDatabase;
let rt: Runtime;
let browser: Browser;
let context: BrowserContext;
let baseURL: string;
let student: CriteriaSet;

beforeAll(async () => {
  await mkdir(OUTPUT, { recursive: true });
  db = await ownDatabase("critbrowser");
  browser = await launchChromium();
  const port = await freePort();
  baseURL = `http://127.0.0.1:${port}`;
  const config = testConfig({ DATABASE_URL: db.url, ADMIN_TOKEN, PUBLIC_BASE_URL: baseURL, REDIS_PREFIX: `${testConfig().redisPrefix}_cb${randomBytes(3).toString("hex")}` });
  rt = await createRuntime(config, createLogger(config), { workers: false });
  await rt.app.listen({ host: "127.0.0.1", port });
  student = (await loadShippedSets()).find((s) => s.targetGroup === "student")!;
}, 60_000);

afterAll(async () => {
  await context?.close().catch(() => {});
  await browser?.close();
  await rt?.close();
  await db?.drop();
});

const file = (name: string, json: unknown) => ({ name, mimeType: "application/json", buffer: Buffer.from(JSON.stringify(json)) });

describe("the criteria sets page", () => {
  it("shows a broken file's problems, previews a clean one and publishes it", async () => {
    context = await phoneContext(browser, baseURL);
    const p = await context.newPage();
    await p.goto("/dashboard/sign-in");
    await p.fill("input[name=token]", ADMIN_TOKEN);
    await p.click("button[type=submit]");
    await p.waitForURL(/\/dashboard$/);
    await p.click("#criteria-link");
    await p.waitForURL(/\/dashboard\/criteria$/);
    expect(await p.locator("#criteria-sets tbody tr.current").count()).toBe(4);

    const broken = structuredClone(student) as unknown as { version: string; rules: Record<string, unknown> };
    broken.version = "2099.5";
    broken.rules.minTotal = -1;
    await p.setInputFiles("#set-file", file("broken.json", broken));
    await p.waitForFunction(() => (document.getElementById("set-json") as HTMLTextAreaElement).value.length > 100);
    await p.click("#check");
    await p.waitForSelector("#problems");
    await expect(p.locator("#problems").textContent()).resolves.toContain("rules.minTotal");
    await p.screenshot({ path: `${OUTPUT}dashboard-criteria-problems.png`, fullPage: true });
    expect((await db.pool.query(`SELECT count(*)::int AS n FROM criteria_sets`)).rows[0].n).toBe(4);

    const next = structuredClone(student) as unknown as { version: string; groups: { indicators: { questions: { prompt: { vi: string } }[] }[] }[] };
    next.version = "2099.5";
    next.groups[0]!.indicators[0]!.questions[0]!.prompt.vi = `[BẢN MỚI] ${next.groups[0]!.indicators[0]!.questions[0]!.prompt.vi}`;
    await p.setInputFiles("#set-file", file("next.json", next));
    await p.waitForFunction(() => (document.getElementById("set-json") as HTMLTextAreaElement).value.includes("2099.5") && !(document.getElementById("set-json") as HTMLTextAreaElement).value.includes('"minTotal":-1'));
    await p.click("#check");
    await p.waitForURL(/\/dashboard\/criteria\/[0-9a-f-]{36}$/);
    await expect(p.locator("#preview article.question").first().textContent()).resolves.toContain("[BẢN MỚI]");
    await p.screenshot({ path: `${OUTPUT}dashboard-criteria-preview.png` });

    await p.click("#publish");
    await p.waitForURL(/done=published/);
    await expect(p.locator("#notice").textContent()).resolves.toContain("2099.5");
    await p.goto("/dashboard/criteria");
    await expect(p.locator("#criteria-sets tbody tr.current", { hasText: "2099.5" }).count()).resolves.toBe(1);
    expect((await db.pool.query(`SELECT status::text FROM criteria_sets WHERE version = '2099.5'`)).rows).toEqual([{ status: "published" }]);
  }, 60_000);
});
