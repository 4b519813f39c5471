// A real browser for the web chat tests: Debian's chromium driven by playwright-core (no browser
// download). The page is driven as a citizen would – tapping the buttons on screen and typing – while
// the engine state in PostgreSQL tells the driver which question is on screen.
import { existsSync } from "node:fs";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import type pg from "pg";
import { findQuestion, type AnswerValue, type CriteriaSet } from "../../rules/index.ts";
import { TARGET_GROUPS, type ConversationState } from "../../bot/engine/index.ts";
import { COOKIE_NAME } from "../../server/channels/web/cookie.ts";
import { chooseValue, type Mode } from "../bot/support/driver.ts";
import { waitFor } from "./processes.ts";

export const CHROMIUM = "/usr/bin/chromium";
const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Launches chromium with a fresh profile; fails with what to do when it is not installed. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Debian's chromium is not installed (${CHROMIUM} is missing): run \`apt-get install -y chromium\` (.ci/run does)`);
  }
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
}

/** A phone-sized context: each context is a separate browser profile, so a separate citizen. */
export function phoneContext(browser: Browser, baseURL: string): Promise<BrowserContext> {
  return browser.newContext({ baseURL, viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: "vi-VN" });
}

export async function accountOf(context: BrowserContext): Promise<string> {
  const cookie = (await context.cookies()).find((c) => c.name === COOKIE_NAME);
  if (!cookie) throw new Error(`no ${COOKIE_NAME} cookie in this context`);
  return cookie.value.split(".")[0]!;
}

export class BrowserCitizen {
  account = "";

  constructor(
    readonly page: Page,
    private readonly pool: pg.Pool,
  ) {}

  async open(path: string): Promise<void> {
    await this.page.goto(path);
    this.account = await accountOf(this.page.context());
    await this.settle("0");
  }

  async state(): Promise<ConversationState> {
    const { rows } = await this.pool.query(`SELECT state FROM channel_accounts WHERE channel = 'web' AND external_id = $1`, [this.account]);
    return rows[0]?.state;
  }

  async lastDelivered(): Promise<string> {
    const { rows } = await this.pool.query(
      `SELECT coalesce(max(id), 0)::text AS id FROM outbox WHERE channel = 'web' AND recipient = $1 AND status = 'sent'`,
      [this.account],
    );
    return rows[0].id;
  }

  /** Waits until replies newer than `before` are delivered and the page shows the newest of them. */
  async settle(before: string): Promise<void> {
    await waitFor(async () => {
      const { rows } = await this.pool.query(
        `SELECT count(*) FILTER (WHERE status IN ('pending', 'sending'))::int AS pending, coalesce(max(id), 0)::text AS last
           FROM outbox WHERE channel = 'web' AND recipient = $1`,
        [this.account],
      );
      const { pending, last } = rows[0];
      if (pending > 0 || BigInt(last) <= BigInt(before)) return undefined;
      const shown = await this.page.locator(".msg.bot").last().getAttribute("data-id", { timeout: 500 }).catch(() => null);
      return shown === last || undefined;
    }, 15_000, `the page of ${this.account} to show its replies`);
  }

  /** Taps the button of the newest message whose action (data after the seq) is `action`. */
  async tap(action: string): Promise<void> {
    const before = await this.lastDelivered();
    await this.page.locator(`.buttons:not(.stale) button[data-data$=".${action}"]`).first().click();
    await this.settle(before);
  }

  /** Whether the prompt on screen has a button with this action. */
  async hasButton(action: string): Promise<boolean> {
    return (await this.page.locator(`.buttons:not(.stale) button[data-data$=".${action}"]`).count()) > 0;
  }

  async type(text: string): Promise<void> {
    const before = await this.lastDelivered();
    await this.page.fill("#text", text);
    await this.page.click("#send");
    await this.settle(before);
  }

  async attach(file: { name: string; mimeType: string; buffer: Buffer }): Promise<void> {
    const before = await this.lastDelivered();
    await this.page.setInputFiles("#photo", file);
    await this.settle(before);
  }

  /** The title of the message whose buttons are active (the question on screen). */
  async activeTitle(): Promise<string | null> {
    const active = this.page.locator(".msg.bot", { has: this.page.locator(".buttons:not(.stale)") });
    if ((await active.count()) !== 1) return null;
    return active.locator(".title").textContent();
  }

  /** Answers what is on screen; returns false when the assessment is submitted. */
  async step(set: CriteriaSet, mode: Mode, photo: { name: string; mimeType: string; buffer: Buffer }, flags: { uploaded: boolean }): Promise<boolean> {
    const s = await this.state();
    switch (s.step.kind) {
      case "consent":
        await this.tap("c.y");
        return true;
      case "group":
        await this.tap(`g.${TARGET_GROUPS.indexOf(set.targetGroup)}`);
        return true;
      case "name":
        await this.type("Nguyễn Thị Bình");
        return true;
      case "birth_year":
        await this.type("1975");
        return true;
      case "evidence":
        if (flags.uploaded) await this.tap("e.n");
        else if (!s.step.waiting) await this.tap("e.y");
        else {
          await this.attach(photo);
          flags.uploaded = true;
        }
        return true;
      case "question":
        await this.answer(set, s.step.qid, mode);
        return true;
      case "review":
        // The web chat shows the review as one summary; its submit button is at the end.
        await this.tap("s.w");
        return true;
      case "submitted":
        return false;
      default:
        throw new Error(`unexpected step ${s.step.kind}`);
    }
  }

  private async answer(set: CriteriaSet, qid: string, mode: Mode): Promise<void> {
    const q = findQuestion(set, qid)!;
    const value: AnswerValue = chooseValue(q, mode);
    if (q.type === "number") await this.type(String(value).replace(".", ","));
    else if (q.type === "yes_no") await this.tap(value ? "a.y" : "a.n");
    else if (q.type === "single_choice") await this.tap(`a.${q.options.findIndex((o) => o.id === value)}`);
    else {
      for (const id of value as string[]) await this.tap(`t.${q.options.findIndex((o) => o.id === id)}`);
      await this.tap("d");
    }
  }
}
