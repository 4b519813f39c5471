// The page's texts and the cookie, without a server: every text the page and its script use exists in
// Vietnamese and English, the cookie is signed and refused when tampered with, Secure behind https.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  COOKIE_NAME,
  newAccountId,
  readCookie,
  setCookieHeader,
  signAccountId,
  verifyAccountCookie,
} from "../../../../server/channels/web/cookie.ts";
import { createPageRenderer, WEB_KEYS, webResources } from "../../../../server/channels/web/page.ts";
import { sniffImage } from "../../../../server/channels/web/uploads.ts";

const publicFile = (name: string) => readFileSync(new URL(`../../../../server/channels/web/public/${name}`, import.meta.url), "utf8");

function flatten(tree: Record<string, unknown>, prefix = ""): string[] {
  return Object.entries(tree).flatMap(([k, v]) => (typeof v === "string" ? [`${prefix}${k}`] : flatten(v as Record<string, unknown>, `${prefix}${k}.`)));
}

describe("the page's texts (locales/*/web.json)", () => {
  const html = publicFile("chat.html");
  const js = publicFile("chat.js");
  const usedInHtml = [...html.matchAll(/\{\{([a-z_.]+)\}\}/g)].map((m) => m[1]!);
  const usedInJs = [...js.matchAll(/T\["([a-z_.]+)"\]/g)].map((m) => m[1]!);

  it("vi and en have the same keys, and every key is used by the page or its script", () => {
    expect(flatten(webResources.en.web).sort()).toEqual(flatten(webResources.vi.web).sort());
    expect(usedInHtml.length).toBeGreaterThan(5);
    expect(usedInJs.length).toBeGreaterThan(5);
    const used = new Set([...usedInHtml, ...usedInJs]);
    expect(WEB_KEYS.filter((k) => !used.has(k))).toEqual([]);
    expect([...used].filter((k) => !WEB_KEYS.includes(k))).toEqual([]);
  });

  it("renders both languages with every placeholder filled and the texts escaped", () => {
    const render = createPageRenderer({ maxUploadBytes: 5 * 1024 * 1024 });
    for (const lang of ["vi", "en"] as const) {
      const page = render(lang);
      expect(page).not.toMatch(/\{\{/);
      const config = JSON.parse(/<script type="application\/json" id="chat-config">(.*)<\/script>/.exec(page)![1]!);
      expect(config.lang).toBe(lang);
      // Both languages travel with the page, so that a switch in the chat re-labels it at once.
      expect(Object.keys(config.texts).sort()).toEqual(["en", "vi"]);
      for (const l of ["vi", "en"]) {
        expect(Object.keys(config.texts[l]).sort()).toEqual([...WEB_KEYS].sort());
        expect(config.texts[l]["notice.upload_size"]).toContain("5 MB");
        expect(config.texts[l]["notice.text_too_long"]).toContain("500");
      }
    }
    expect(render("vi")).toContain('<title data-t="page.title">Tự đánh giá Công dân học tập</title>');
  });

  it("the script and the page load nothing from other sites", () => {
    for (const text of [html, js, publicFile("chat.css")]) expect(text).not.toMatch(/https?:\/\/|\/\/[a-z0-9.-]+\.[a-z]{2,}\//i);
  });
});

describe("the web account cookie", () => {
  const secret = "a-secret-of-some-length-0123456789";

  it("is a 22-character random id with an HMAC-SHA256 signature", () => {
    const id = newAccountId();
    expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(newAccountId()).not.toBe(id);
    const value = signAccountId(id, secret);
    expect(verifyAccountCookie(value, secret)).toBe(id);
  });

  it("refuses a value signed under another secret, altered, or malformed", () => {
    const id = newAccountId();
    const value = signAccountId(id, secret);
    expect(verifyAccountCookie(signAccountId(id, `${secret}x`), secret)).toBeNull();
    const other = newAccountId();
    expect(verifyAccountCookie(`${other}${value.slice(22)}`, secret)).toBeNull();
    // Every other last character, including those that differ only in base64url's two unused bits.
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    for (const c of alphabet.replace(value.at(-1)!, "")) expect(verifyAccountCookie(value.slice(0, -1) + c, secret)).toBeNull();
    for (const bad of [undefined, "", id, `${id}.`, `${value}x`, `${value}.x`, "x".repeat(66)]) expect(verifyAccountCookie(bad, secret)).toBeNull();
  });

  it("is http-only, SameSite=Lax, for /chat, long-lived, and Secure only behind https", () => {
    const value = signAccountId(newAccountId(), secret);
    expect(setCookieHeader(value, { secure: false })).toBe(`${COOKIE_NAME}=${value}; Path=/chat; Max-Age=34560000; HttpOnly; SameSite=Lax`);
    expect(setCookieHeader(value, { secure: true })).toMatch(/; HttpOnly; SameSite=Lax; Secure$/);
  });

  it("is read from a Cookie header among others", () => {
    expect(readCookie(`a=1; ${COOKIE_NAME}=abc.def; b=2`, COOKIE_NAME)).toBe("abc.def");
    expect(readCookie("a=1", COOKIE_NAME)).toBeUndefined();
    expect(readCookie(undefined, COOKIE_NAME)).toBeUndefined();
  });
});

describe("image sniffing", () => {
  it("knows JPEG, PNG and WEBP by their first bytes, nothing else", () => {
    expect(sniffImage(Buffer.from([0xff, 0xd8, 0xff, 0xe0]))).toBe("image/jpeg");
    expect(sniffImage(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]))).toBe("image/png");
    expect(sniffImage(Buffer.from("RIFF\x00\x00\x00\x00WEBPVP8 ", "latin1"))).toBe("image/webp");
    expect(sniffImage(Buffer.from("GIF89a"))).toBeNull();
    expect(sniffImage(Buffer.from("<svg/>"))).toBeNull();
    expect(sniffImage(Buffer.alloc(0))).toBeNull();
  });
});
