// Pure helpers for texts the citizen types and labels we show.
import type { Lang } from "../types.ts";

export const MAX_LABEL = 40;

/** Shortens a label to `max` characters (code points), ending with "…" when cut. */
export function truncate(text: string, max = MAX_LABEL): string {
  const chars = Array.from(text.trim());
  if (chars.length <= max) return chars.join("");
  return chars.slice(0, max - 1).join("").trimEnd() + "…";
}

/** Lower case, NFC, trimmed, inner spaces collapsed, trailing punctuation dropped. */
export function normaliseInput(text: string): string {
  return text
    .normalize("NFC")
    .toLowerCase()
    .replace(/\s+/g, " ")
    .trim()
    .replace(/[.!?;:,]+$/u, "")
    .trim();
}

/** Vietnamese letters without their diacritics, for lenient matching of typed words. */
export function foldDiacritics(text: string): string {
  return text.normalize("NFD").replace(/\p{M}/gu, "").replace(/đ/g, "d").replace(/Đ/g, "D");
}

export function formatNumber(n: number, lang: Lang): string {
  const s = String(n);
  return lang === "vi" ? s.replace(".", ",") : s;
}

/** "12", "12,5", "12.5", "-3" → number; anything else → null. */
export function parseNumber(text: string): number | null {
  const s = text.trim().replace(/\s+/g, "");
  if (!/^[+-]?\d{1,12}(?:[.,]\d{1,6})?$/.test(s)) return null;
  const n = Number(s.replace(",", "."));
  return Number.isFinite(n) ? n : null;
}

/** The calendar year of an instant in a time zone (Intl is pure: no clock, no I/O). */
const yearFormats = new Map<string, Intl.DateTimeFormat>();

export function yearIn(now: Date, timeZone: string): number {
  let format = yearFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", { timeZone, year: "numeric" });
    yearFormats.set(timeZone, format);
  }
  const parts = format.formatToParts(now);
  return Number(parts.find((p) => p.type === "year")?.value);
}

export function normaliseUnitCode(text: string): string {
  return text.normalize("NFC").trim().toUpperCase();
}

/** The unit code of a start payload "u_<CODE>", if any. */
export function unitFromPayload(arg: string | undefined): string | null {
  const m = arg === undefined ? null : /^u_([A-Za-z0-9_-]{1,40})$/.exec(arg.trim());
  return m?.[1] ? normaliseUnitCode(m[1]) : null;
}

export type NameProblem = "length" | "chars";

/** A full name: 2–100 characters, letters (any script, with diacritics), spaces, '.', '-'. */
export function checkFullName(text: string): { ok: true; name: string } | { ok: false; problem: NameProblem } {
  const name = text.normalize("NFC").replace(/\s+/g, " ").trim();
  if (!/^[\p{L}\p{M} .-]+$/u.test(name) || !/\p{L}/u.test(name)) return { ok: false, problem: "chars" };
  const length = Array.from(name).length;
  if (length < 2 || length > 100) return { ok: false, problem: "length" };
  return { ok: true, name };
}

export const MIN_AGE = 10;
export const MAX_AGE = 110;

/** A birth year giving an age between MIN_AGE and MAX_AGE in `year`. */
export function checkBirthYear(text: string, year: number): number | null {
  const s = text.trim();
  if (!/^\d{4}$/.test(s)) return null;
  const n = Number(s);
  const age = year - n;
  return age >= MIN_AGE && age <= MAX_AGE ? n : null;
}
