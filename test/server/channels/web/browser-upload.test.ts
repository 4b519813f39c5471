// Photo refusals as the citizen sees them, in a real browser on a phone-sized screen (issue 15 item 9,
// and item 4): a photo larger than the server takes – sent by a page that believed a larger limit (opened
// before the limit was lowered), over a throttled uplink – gets the 413 in our one error shape, which the page reads and shows,
// instead of a reset connection and "reconnecting"; a photo where the question asks for none gets the
// 409 and its explanation. The bubble is marked as not sent, and nothing is stored.
import { describe, expect, it } from "vitest";
import type { Runtime } from "../../../../server/runtime.ts";
import { usePhoneBrowser, type PhoneBrowser } from "../../../support/phone-browser.ts";
import { BrowserCitizen } from "../../../support/web-browser.ts";

const LIMIT = 1024 * 1024;
let rt: Runtime;
let unit: { code: string };
let phone: PhoneBrowser;

usePhoneBrowser({ unitName: "Xã Ảnh Lớn", web: { maxUploadBytes: LIMIT } }, (p) => ({ rt, unit } = phone = p));

/** A citizen at the question that takes a photo, on a page that believes photos up to 5 MB are taken. */
async function atPhotoQuestion(): Promise<BrowserCitizen> {
  const context = await phone.newContext();
  const page = await context.newPage();
  await page.route(/\/chat(\?.*)?$/, async (route) => {
    const response = await route.fetch();
    const html = (await response.text()).replace(`"maxUploadBytes":${LIMIT}`, `"maxUploadBytes":${5 * LIMIT}`);
    await route.fulfill({ response, body: html });
  });
  const c = new BrowserCitizen(page, rt.db.pool);
  await c.open(`/chat?u=${unit.code}`);
  await c.tap("c.y");
  await c.tap("g.0");
  await c.type("Nguyễn Văn Ảnh");
  await c.type("1980");
  return c;
}

const uploads = async (account: string) =>
  Number((await rt.db.pool.query(`SELECT count(*)::int AS n FROM web_uploads WHERE web_account = $1`, [account])).rows[0].n);

describe("photo refusals in the browser", () => {
  it("a photo over the server's limit: the page reads the 413 and says how large a photo may be", async () => {
    const c = await atPhotoQuestion();
    await c.tap("a.0");
    expect((await c.state()).step).toMatchObject({ kind: "question", qid: "learn_hours" });
    const page = c.page;
    // A phone's uplink: the server answers while the browser is still sending.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send("Network.enable");
    await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 20, downloadThroughput: -1, uploadThroughput: 1024 * 1024 });
    const failures: string[] = [];
    page.on("requestfailed", (r) => failures.push(`${r.url()} ${r.failure()?.errorText}`));
    // 1.4 MB: under the page's own resize threshold, so it is sent as it is.
    const big = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(1_400_000, 7)]);
    const answered = page.waitForResponse((r) => r.url().includes("/chat/api/evidence") && r.request().method() === "POST");
    await page.setInputFiles("#photo", { name: "anh-lon.png", mimeType: "image/png", buffer: big });
    const res = await answered;
    expect(res.status()).toBe(413);
    expect(await res.json()).toEqual({ error: { code: "file_too_large", message: "The photo is larger than 1 MB." } });
    await expect.poll(() => page.locator("#notice").textContent()).toBe("Ảnh lớn quá: tối đa 1 MB.");
    expect(await page.locator("#notice").getAttribute("class")).toContain("error");
    await expect.poll(() => page.locator(".msg.me.failed .status").last().textContent()).toBe("Chưa gửi được");
    expect(failures).toEqual([]);
    expect(await uploads(c.account)).toBe(0);
    expect((await c.state()).step).toMatchObject({ kind: "question", qid: "learn_hours" });
  }, 60_000);

  it("a photo where the question asks for none: the page shows why (409 not_expected)", async () => {
    const c = await atPhotoQuestion();
    const page = c.page;
    const png = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==", "base64");
    const answered = page.waitForResponse((r) => r.url().includes("/chat/api/evidence"));
    await page.setInputFiles("#photo", { name: "anh.png", mimeType: "image/png", buffer: png });
    expect((await answered).status()).toBe(409);
    await expect.poll(() => page.locator("#notice").textContent()).toMatch(/^Câu hỏi đang hiện không cần ảnh/);
    await expect.poll(() => page.locator(".msg.me.failed").count()).toBe(1);
    expect(await uploads(c.account)).toBe(0);
  }, 60_000);
});
