// The web chat page itself in a real browser (Debian's chromium), phone-sized: choosing English in the
// chat re-labels the page at once (header, placeholder, buttons), a tap the rate limit refuses is shown
// as not sent and changes nothing, and the site has an icon.
import type { Browser, BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Runtime } from "../../../../server/runtime.ts";
import { freePort } from "../../../support/processes.ts";
import { BrowserCitizen, launchChromium, phoneContext } from "../../../support/web-browser.ts";
import { webRuntime } from "../../../support/web-runtime.ts";

let rt: Runtime;
let browser: Browser;
let baseURL: string;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  browser = await launchChromium();
  const port = await freePort();
  baseURL = `http://127.0.0.1:${port}`;
  // Three events a minute per citizen: the fourth tap is refused.
  rt = await webRuntime({ limits: { sessionEvents: { max: 3, windowMs: 60_000 } } }, { PUBLIC_BASE_URL: baseURL });
  await rt.app.listen({ host: "127.0.0.1", port });
});
afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await browser?.close();
  await rt?.close();
});

describe("the web chat page", () => {
  it("switches to English at once, shows a refused tap as not sent, and has an icon", async () => {
    const context = await phoneContext(browser, baseURL);
    contexts.push(context);
    const c = new BrowserCitizen(await context.newPage(), rt.db.pool);
    const page = c.page;
    await c.open("/chat"); // event 1: start
    await expect.poll(() => c.activeTitle()).toBe("Đồng ý cho lưu thông tin");
    expect(await page.locator("h1").textContent()).toBe("Công dân học tập");

    await c.tap("l.en"); // event 2: English
    await expect.poll(() => page.locator("h1").textContent()).toBe("Learning Citizen");
    expect(await page.locator("html").getAttribute("lang")).toBe("en");
    expect(await page.locator("#text").getAttribute("placeholder")).toBe("Type your answer…");
    expect(await page.locator("#send").textContent()).toBe("Send");
    expect(await page.locator("#attach").getAttribute("aria-label")).toBe("Send an evidence photo");
    expect(await page.title()).toBe("Learning Citizen self-assessment");

    await c.tap("c.y"); // event 3: consent
    expect((await c.state()).step.kind).toBe("group");
    const inbound = (await rt.db.pool.query(`SELECT count(*)::int AS n FROM inbound_events WHERE starts_with(external_event_id, $1 || ':')`, [c.account])).rows[0].n;
    // Event 4: refused by the rate limit. The tap is marked as not sent, nothing changed.
    await page.locator(`.buttons:not(.stale) button[data-data$=".g.0"]`).click();
    await expect.poll(() => page.locator(".msg.me.failed .status").last().textContent()).toBe("Not sent");
    expect(await page.locator("#notice").textContent()).toMatch(/too quickly|wait/i);
    expect((await c.state()).step.kind).toBe("group");
    expect((await rt.db.pool.query(`SELECT count(*)::int AS n FROM inbound_events WHERE starts_with(external_event_id, $1 || ':')`, [c.account])).rows[0].n).toBe(inbound);
    // The buttons can be tapped again once the limit allows.
    expect(await page.locator(`.buttons:not(.stale) button[data-data$=".g.0"]`).isEnabled()).toBe(true);

    expect(await page.locator('link[rel="icon"]').getAttribute("href")).toBe("/favicon.ico");
    const icon = await page.request.get("/favicon.ico");
    expect(icon.status()).toBe(200);
    expect(icon.headers()["content-type"]).toBe("image/x-icon");
    expect((await icon.body()).subarray(0, 4)).toEqual(Buffer.from([0, 0, 1, 0]));
  }, 60_000);
});
