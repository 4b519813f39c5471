// The chat page: public/chat.html with its texts (locales/<lang>/web.json, Vietnamese first) filled in on
// the server, plus the page's script and style, served from memory with a content hash for caching.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import en from "../../../locales/en/web.json" with { type: "json" };
import vi from "../../../locales/vi/web.json" with { type: "json" };
import { fixedTranslators } from "../../../bot/i18n.ts";
import type { Lang } from "../../../bot/types.ts";
import { MAX_TEXT_CHARS } from "./schemas.ts";

export const NAMESPACE = "web";
export const webResources = { vi: { [NAMESPACE]: vi }, en: { [NAMESPACE]: en } } as const;

const read = (name: string) => readFileSync(new URL(`./public/${name}`, import.meta.url), "utf8");

export interface StaticAsset {
  body: string;
  type: string;
  hash: string;
}

const asset = (name: string, type: string): StaticAsset => {
  const body = read(name);
  return { body, type, hash: createHash("sha256").update(body).digest("hex").slice(0, 12) };
};

/** The site's icon, served at /favicon.ico. */
export const FAVICON = readFileSync(new URL("./public/favicon.ico", import.meta.url));

/** The only files served under /chat/static/. */
export const ASSETS: Record<string, StaticAsset> = {
  "chat.js": asset("chat.js", "text/javascript; charset=utf-8"),
  "chat.css": asset("chat.css", "text/css; charset=utf-8"),
};

const TEMPLATE = read("chat.html");

function flatten(tree: Record<string, unknown>, prefix = ""): string[] {
  return Object.entries(tree).flatMap(([key, value]) =>
    typeof value === "string" ? [`${prefix}${key}`] : flatten(value as Record<string, unknown>, `${prefix}${key}.`),
  );
}

export const WEB_KEYS = flatten(vi);

function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

export interface PageOptions {
  maxUploadBytes: number;
}

export function createPageRenderer(options: PageOptions) {
  const translators = fixedTranslators(webResources, NAMESPACE);
  const values: Record<string, Record<string, unknown>> = {
    "notice.text_too_long": { max: MAX_TEXT_CHARS },
    "notice.upload_size": { max: Math.floor(options.maxUploadBytes / (1024 * 1024)) },
  };
  const cache = new Map<Lang, string>();

  function texts(lang: Lang): Record<string, string> {
    const t = translators[lang];
    return Object.fromEntries(WEB_KEYS.map((key) => [key, t(key, values[key] ?? {}) as string]));
  }

  /** The whole page in one language; the texts the script needs travel as inert JSON. */
  return function render(lang: Lang): string {
    const cached = cache.get(lang);
    if (cached) return cached;
    const all = texts(lang);
    // Both languages travel with the page: switching the conversation's language re-labels it at once.
    const config = {
      lang,
      texts: { vi: texts("vi"), en: texts("en") },
      maxTextChars: MAX_TEXT_CHARS,
      maxUploadBytes: options.maxUploadBytes,
    };
    const html = TEMPLATE.replace(/\{\{(@?[a-z_.]+)\}\}/g, (whole, key: string) => {
      if (key === "@lang") return lang;
      if (key === "@config") return JSON.stringify(config).replace(/</g, "\\u003c");
      if (key === "@js") return `/chat/static/chat.js?v=${ASSETS["chat.js"]!.hash}`;
      if (key === "@css") return `/chat/static/chat.css?v=${ASSETS["chat.css"]!.hash}`;
      if (key === "@maxlength") return String(MAX_TEXT_CHARS);
      const text = all[key];
      if (text === undefined) throw new Error(`chat.html uses ${whole}, which locales/${lang}/web.json does not have`);
      return escapeHtml(text);
    });
    cache.set(lang, html);
    return html;
  };
}
