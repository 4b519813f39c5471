// The review before sending, on a phone-sized screen in a real browser (issue 11 point 14): one
// scrollable summary – every answer, grouped by competency group, with thumbnails of the photos sent –
// and the only submit button at its end, which sends from there. Writes test-output/web-chat-review.png
// (the top of the summary) and web-chat-review-end.png (its end, with the button).
import { mkdir } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { visible } from "../../../../bot/engine/answers.ts";
import { loadShippedSets } from "../../../../rules/load-file.ts";
import type { CriteriaSet } from "../../../../rules/index.ts";
import type { Runtime } from "../../../../server/runtime.ts";
import { TINY_PNG as PNG, usePhoneBrowser, type PhoneBrowser } from "../../../support/phone-browser.ts";
import { BrowserCitizen } from "../../../support/web-browser.ts";

const OUTPUT = fileURLToPath(new URL("../../../../test-output/", import.meta.url));
let rt: Runtime;
let set: CriteriaSet;
let unit: { id: string; code: string };
let phone: PhoneBrowser;

usePhoneBrowser({ unitName: "Xã Xem Lại" }, (p) => ({ rt, unit } = phone = p));
beforeAll(async () => {
  set = (await loadShippedSets()).find((s) => s.targetGroup === "worker")!;
});

describe("the web review", () => {
  it("is one scrollable summary of every answer by group, with photo thumbnails and submit only at its end", async () => {
    const context = await phone.newContext();
    const c = new BrowserCitizen(await context.newPage(), rt.db.pool);
    const page = c.page;
    await c.open(`/chat?u=${unit.code}`);
    await expect.poll(() => c.activeTitle()).toBe("Đồng ý cho lưu thông tin");
    const flags = { uploaded: false };
    for (let i = 0; i < 120 && (await c.state()).step.kind !== "review"; i++) await c.step(set, "best", PNG, flags);
    expect(flags.uploaded).toBe(true);
    const state = await c.state();
    expect(state.step).toMatchObject({ kind: "review", page: 0 });

    // One summary, active; the paged review's buttons (next page, submit on the last page) are not shown.
    const summary = page.locator(".buttons.summary:not(.stale)");
    await expect.poll(() => summary.count()).toBe(1);
    expect(await page.locator(`.buttons:not(.stale) button[data-data$=".p.1"], .buttons:not(.stale) button[data-data$=".s"]`).count()).toBe(0);
    // Titled without the paged review's page numbers.
    expect(await page.locator(".has-summary .title").textContent()).toBe("Xem lại câu trả lời");
    // Every visible question, in its group, with its answer.
    const questions = visible(set, state.assessment!.answers);
    const items = summary.locator(".summary-item");
    expect(await items.count()).toBe(questions.length);
    const groups = set.groups.filter((g) => g.indicators.some((ind) => ind.questions.some((q) => questions.includes(q))));
    expect(await summary.locator(".summary-group h2").allTextContents()).toEqual(groups.map((g) => g.title.vi));
    for (const text of await items.locator(".a").allTextContents()) expect(text).toMatch(/^→ \S/);
    // The photo sent is shown as a thumbnail, loaded from the citizen's own upload.
    const ref = Object.values(state.assessment!.evidence).flat()[0]!.ref;
    const thumb = summary.locator(`img.thumb[src="/chat/api/evidence/${ref.slice("web-upload:".length)}"]`);
    expect(await thumb.count()).toBe(1);
    await thumb.scrollIntoViewIfNeeded();
    await expect.poll(() => thumb.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
    // Submit: one button, the summary's last element, below every answer; the summary has to be scrolled.
    const submit = summary.locator("button.submit");
    expect(await submit.count()).toBe(1);
    expect(await summary.evaluate((el) => el.lastElementChild?.classList.contains("submit"))).toBe(true);
    expect(await page.locator('button[data-data$=".s.w"]').count()).toBe(1);
    const lastItem = await items.last().boundingBox();
    const button = await submit.boundingBox();
    expect(button!.y).toBeGreaterThan(lastItem!.y);
    expect(await page.locator("#log").evaluate((log) => log.scrollHeight > 2 * log.clientHeight)).toBe(true);

    await mkdir(OUTPUT, { recursive: true });
    await summary.locator(".summary-group").first().scrollIntoViewIfNeeded();
    await page.locator("#log").evaluate((log: HTMLElement) => {
      const top = log.querySelector<HTMLElement>(".has-summary")!;
      log.scrollTop = top.offsetTop - log.offsetTop;
    });
    await page.screenshot({ path: `${OUTPUT}web-chat-review.png` });
    await submit.scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${OUTPUT}web-chat-review-end.png` });

    // Sent from the summary's end although the paged review is on its first page.
    await c.tap("s.w");
    expect((await c.state()).step.kind).toBe("submitted");
    const { rows } = await rt.db.pool.query(
      `SELECT a.status FROM assessments a JOIN channel_accounts ca ON ca.person_id = a.person_id WHERE ca.channel = 'web' AND ca.external_id = $1`,
      [c.account],
    );
    expect(rows).toEqual([{ status: "submitted" }]);
    // The summary's buttons were retired by the result.
    expect(await page.locator(".buttons.summary.stale").count()).toBe(1);
  }, 120_000);

  it("shows a photo only to the citizen who sent it", async () => {
    const { rows } = await rt.db.pool.query(`SELECT id FROM web_uploads LIMIT 1`);
    const stranger = await phone.newContext();
    const page = await stranger.newPage();
    await page.goto("/chat");
    const res = await page.request.get(`/chat/api/evidence/${rows[0].id}`);
    expect(res.status()).toBe(404);
    expect(await res.json()).toEqual({ error: { code: "not_found", message: expect.any(String) } });
  }, 30_000);
});
