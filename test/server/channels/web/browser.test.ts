// The web chat in a real browser (Debian's chromium, playwright-core), on a phone-sized screen: a whole
// assessment from a unit link to the verdict, a reload half-way, an evidence photo, and a second browser
// profile that is a different citizen. Writes test-output/web-chat-result.png (and web-chat-question.png,
// the page after the reload) for a reviewer to look at.
import { mkdir } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { loadShippedSets } from "../../../../rules/load-file.ts";
import type { CriteriaSet } from "../../../../rules/index.ts";
import type { Runtime } from "../../../../server/runtime.ts";
import { TINY_PNG as PNG, usePhoneBrowser, type PhoneBrowser } from "../../../support/phone-browser.ts";
import { BrowserCitizen } from "../../../support/web-browser.ts";

const OUTPUT = fileURLToPath(new URL("../../../../test-output/", import.meta.url));
const SCREENSHOT = `${OUTPUT}web-chat-result.png`;
let rt: Runtime;
let set: CriteriaSet;
let unit: { id: string; code: string };
let phone: PhoneBrowser;

usePhoneBrowser({ unitName: "Trường THPT Thử Nghiệm" }, (p) => ({ rt, unit } = phone = p));
beforeAll(async () => {
  set = (await loadShippedSets()).find((s) => s.targetGroup === "student")!;
});

const citizen = (): Promise<BrowserCitizen> => phone.citizen();

async function inboundCount(account: string): Promise<number> {
  const { rows } = await rt.db.pool.query(
    `SELECT count(*)::int AS n FROM inbound_events WHERE channel = 'web' AND starts_with(external_event_id, $1 || ':')`,
    [account],
  );
  return rows[0].n;
}

describe("the web chat in a browser", () => {
  let first: BrowserCitizen;

  it("completes a whole assessment from a unit link, continues after a reload, and shows the verdict", async () => {
    first = await citizen();
    await first.open(`/chat?u=${unit.code}`);
    const page = first.page;
    await expect.poll(() => page.locator(".msg.bot .title").first().textContent()).toBe("Xin chào!");
    // The unit link was used once: the address no longer carries it, so a reload does not start again.
    expect(new URL(page.url()).search).toBe("");
    expect((await first.state()).pendingUnit).toBe(unit.code);
    await expect.poll(() => first.activeTitle()).toBe("Đồng ý cho lưu thông tin");
    await mkdir(OUTPUT, { recursive: true });
    await page.screenshot({ path: `${OUTPUT}web-chat-consent.png` });

    const flags = { uploaded: false };
    let answered = 0;
    let reloaded = false;
    for (let i = 0; i < 120 && (await first.step(set, "best", PNG, flags)); i++) {
      const s = await first.state();
      if (s.step.kind === "question") answered++;
      if (!reloaded && answered >= 2 && s.step.kind === "question") {
        reloaded = true;
        const title = await first.activeTitle();
        expect(title).toMatch(/^Câu \d+\/\d+$/);
        const inbound = await inboundCount(first.account);
        await page.reload();
        await expect.poll(() => first.activeTitle(), { timeout: 10_000 }).toBe(title);
        // Only the question's buttons answer; older ones are greyed out and disabled.
        expect(await page.locator(".buttons:not(.stale)").count()).toBe(1);
        expect(await page.locator(".buttons.stale button:not([disabled])").count()).toBe(0);
        // Consent, group and question 1 (reloaded at question 2, before its photo).
        expect(await page.locator(".buttons.stale").count()).toBeGreaterThanOrEqual(3);
        expect((await first.state()).step).toEqual(s.step);
        expect(await inboundCount(first.account)).toBe(inbound);
        await mkdir(OUTPUT, { recursive: true });
        await page.screenshot({ path: `${OUTPUT}web-chat-question.png` });
      }
    }
    expect(reloaded).toBe(true);
    expect(flags.uploaded).toBe(true);

    await expect.poll(() => page.getByText(/Đủ điểm đề nghị công nhận – đang chờ cán bộ xác nhận/).count(), { timeout: 10_000 }).toBeGreaterThan(0);
    await expect.poll(() => page.locator(".msg.me img").count()).toBe(1);
    // The submitted review's buttons were retired by the result, which offers the next steps.
    expect(await page.locator(".buttons:not(.stale)").count()).toBe(1);
    expect(await page.locator(".buttons:not(.stale) button").allTextContents()).toEqual(["Xem trạng thái", "Làm lại bài"]);
    const { rows } = await rt.db.pool.query(
      `SELECT a.status, a.verdict, a.unit_id, a.evidence FROM assessments a JOIN channel_accounts c ON c.person_id = a.person_id
        WHERE c.channel = 'web' AND c.external_id = $1`,
      [first.account],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: "submitted", verdict: "dat", unit_id: unit.id });
    const refs = Object.values(rows[0].evidence as Record<string, { ref: string }[]>).flat().map((e) => e.ref);
    expect(refs).toEqual([expect.stringMatching(/^web-upload:[0-9a-f-]{36}$/)]);

    // Buttons wrap on the web: long option labels are shown whole, not cut with "…".
    const labels = await page.locator(".choice").allTextContents();
    expect(labels.some((l) => Array.from(l).length > 40)).toBe(true);
    expect(labels.filter((l) => l.endsWith("…"))).toEqual([]);
    // Multiple-choice ticks re-rendered their question in place: every question is on the page once.
    const titles = (await page.locator(".msg.bot .title").allTextContents()).filter((x) => /^Câu /.test(x));
    expect(titles.length).toBeGreaterThan(10);
    expect(new Set(titles).size).toBe(titles.length);
    // Reloaded, the history collapses the same way.
    await page.reload();
    await expect.poll(() => page.getByText(/Đủ điểm đề nghị công nhận – đang chờ cán bộ xác nhận/).count(), { timeout: 10_000 }).toBeGreaterThan(0);
    const afterReload = (await page.locator(".msg.bot .title").allTextContents()).filter((x) => /^Câu /.test(x));
    expect(new Set(afterReload).size).toBe(afterReload.length);

    await page.getByText(/Đủ điểm đề nghị công nhận – đang chờ cán bộ xác nhận/).last().scrollIntoViewIfNeeded();
    await mkdir(OUTPUT, { recursive: true });
    await page.screenshot({ path: SCREENSHOT });
  }, 90_000);

  it("a second browser profile is a different citizen with its own conversation", async () => {
    const second = await citizen();
    await second.open("/chat");
    expect(second.account).not.toBe(first.account);
    await expect.poll(() => second.activeTitle()).toBe("Đồng ý cho lưu thông tin");
    expect(await second.page.getByText(/Đủ điểm đề nghị công nhận/).count()).toBe(0);
    await second.tap("c.y");
    expect((await second.state()).step.kind).toBe("group");
    expect((await first.state()).step.kind).toBe("submitted");
    // The first citizen's page, reloaded, still shows its own result.
    await first.page.reload();
    await expect.poll(() => first.page.getByText(/Đủ điểm đề nghị công nhận – đang chờ cán bộ xác nhận/).count(), { timeout: 10_000 }).toBeGreaterThan(0);
  }, 30_000);

  it("shows a notice instead of sending an empty answer", async () => {
    const c = await citizen();
    await c.open("/chat");
    const inbound = await inboundCount(c.account);
    await c.page.fill("#text", "   ");
    await c.page.click("#send");
    await expect.poll(() => c.page.locator("#notice").textContent()).toBe("Vui lòng nhập câu trả lời trước khi bấm Gửi.");
    expect(await inboundCount(c.account)).toBe(inbound);
  });
});
