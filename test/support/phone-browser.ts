// A web chat server and a real browser (Debian's chromium) for one test file: the server listens on a
// free port with the per-session limits lifted (a test taps faster than a person), a unit to open the
// chat with, and phone-sized browser profiles that are closed after the file's tests.
import type { Browser, BrowserContext } from "playwright-core";
import { afterAll, beforeAll } from "vitest";
import type { WebChatOptions } from "../../server/channels/web/index.ts";
import type { Runtime } from "../../server/runtime.ts";
import { freePort } from "./processes.ts";
import { addUnit } from "./telegram-runtime.ts";
import { BrowserCitizen, launchChromium, phoneContext } from "./web-browser.ts";
import { webRuntime } from "./web-runtime.ts";

/** A one-pixel PNG as a file input takes it: an evidence photo. */
export const TINY_PNG = {
  name: "giay-chung-nhan.png",
  mimeType: "image/png",
  buffer: Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==", "base64"),
};

export interface PhoneBrowser {
  rt: Runtime;
  browser: Browser;
  baseURL: string;
  unit: { id: string; code: string };
  /** A new phone-sized browser profile (a different citizen), closed after the file's tests. */
  newContext(): Promise<BrowserContext>;
  /** A citizen on a page of a new profile. */
  citizen(): Promise<BrowserCitizen>;
}

export function usePhoneBrowser(o: { unitName: string; web?: WebChatOptions }, use: (phone: PhoneBrowser) => void): void {
  const contexts: BrowserContext[] = [];
  let phone: PhoneBrowser | undefined;
  beforeAll(async () => {
    const browser = await launchChromium();
    const port = await freePort();
    const baseURL = `http://127.0.0.1:${port}`;
    const many = { max: 10_000, windowMs: 60_000 };
    const rt = await webRuntime({ ...o.web, limits: { sessionEvents: many, sessionPolls: many, ipEvents: many } }, { PUBLIC_BASE_URL: baseURL });
    await rt.app.listen({ host: "127.0.0.1", port });
    const unit = await addUnit(rt.db.pool, o.unitName);
    const newContext = async () => {
      const context = await phoneContext(browser, baseURL);
      contexts.push(context);
      return context;
    };
    phone = { rt, browser, baseURL, unit, newContext, citizen: async () => new BrowserCitizen(await (await newContext()).newPage(), rt.db.pool) };
    use(phone);
  });
  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => {});
    await phone?.browser.close();
    await phone?.rt.close();
  });
}
