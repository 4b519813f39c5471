// Pure helpers for texts the citizen types and labels we show.
import type { Lang } from "../types.ts";
import { dateParts, dateTimeFormat } from "../intl.ts";

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

/**
 * A number typed among words: "khoảng 30", "30 giờ", "năm 1970", "about 12,5 hours" → the number;
 * null when there is none or more than one ("từ 10 đến 20" is not one answer).
 */
export function numberInText(text: string): number | null {
  const exact = parseNumber(text);
  if (exact !== null) return exact;
  const found = text.normalize("NFC").match(/(?<![\p{L}\d])[+-]?\d{1,12}(?:[.,]\d{1,6})?(?![\p{L}\d])/gu) ?? [];
  return found.length === 1 ? parseNumber(found[0]!) : null;
}

/** The calendar year of an instant in a time zone (Intl is pure: no clock, no I/O). */
export function yearIn(now: Date, timeZone: string): number {
  return Number(dateParts(dateTimeFormat("en-US", { timeZone, year: "numeric" }), now).year);
}

/**
 * The evaluation year an assessment started now belongs to: the calendar year, or the previous one up
 * to and including the cut-off day ("MM-DD" in January, e.g. "01-15").
 */
export function evaluationYear(now: Date, timeZone: string, cutoff?: string): number {
  const parts = dateParts(dateTimeFormat("en-US", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }), now);
  const get = (type: string) => Number(parts[type]);
  const year = get("year");
  const m = cutoff === undefined ? null : /^(\d{2})-(\d{2})$/.exec(cutoff);
  if (!m) return year;
  const [month, day] = [get("month"), get("day")];
  const [cutMonth, cutDay] = [Number(m[1]), Number(m[2])];
  return month < cutMonth || (month === cutMonth && day <= cutDay) ? year - 1 : year;
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

/**
 * A full name: 2–100 characters, letters (any script, with diacritics), spaces, '.', '-' and apostrophes
 * (H'Hen Niê, K'Sor Thị …; typographic ’ and ʼ are stored as ').
 */
export function checkFullName(text: string): { ok: true; name: string } | { ok: false; problem: NameProblem } {
  const name = text.normalize("NFC").replace(/[’ʼ`´]/gu, "'").replace(/\s+/g, " ").trim();
  if (!/^[\p{L}\p{M} .'-]+$/u.test(name) || !/\p{L}/u.test(name)) return { ok: false, problem: "chars" };
  const length = Array.from(name).length;
  if (length < 2 || length > 100) return { ok: false, problem: "length" };
  return { ok: true, name };
}

/** Upper secondary school (lớp 10) starts at 15; no group assesses younger citizens. */
export const MIN_AGE = 15;
/** Below this age a parent or guardian must agree to the processing of personal data. */
export const GUARDIAN_AGE = 16;
export const MAX_AGE = 110;

/** A birth year giving an age between MIN_AGE and MAX_AGE in `year`. */
export function checkBirthYear(text: string, year: number): number | null {
  const n = numberInText(text);
  if (n === null || !Number.isInteger(n) || n < 1000 || n > 9999) return null;
  const age = year - n;
  return age >= MIN_AGE && age <= MAX_AGE ? n : null;
}

/** A name reduced for matching: no diacritics, lower case, letters and digits separated by one space. */
export function nameKey(text: string): string {
  return foldDiacritics(text.normalize("NFC").toLowerCase()).replace(/[^\p{L}\p{N}]+/gu, " ").trim();
}

/** Most units offered when a typed name matches several. */
export const MAX_NAME_MATCHES = 6;

/**
 * Units whose name matches a typed name: an exact match (diacritics and case aside) wins alone;
 * otherwise every unit whose name contains the typed words, in name order.
 */
export function matchUnitsByName<U extends { name: string }>(units: readonly U[], text: string): U[] {
  const wanted = nameKey(text);
  if (Array.from(wanted).length < 3) return [];
  const exact = units.filter((u) => nameKey(u.name) === wanted);
  if (exact.length > 0) return exact.slice(0, MAX_NAME_MATCHES);
  return units
    .filter((u) => ` ${nameKey(u.name)} `.includes(` ${wanted} `))
    .sort((a, b) => a.name.localeCompare(b.name, "vi"))
    .slice(0, MAX_NAME_MATCHES);
}
