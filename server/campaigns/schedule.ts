// Calendar arithmetic in the deployment's time zone: today's local date, whether an instant lies in a
// campaign's daily send window, and when the next window opens. Pure.
import { dateParts, dateTimeFormat } from "../../bot/intl.ts";

export interface LocalTime {
  /** yyyy-mm-dd */
  date: string;
  /** Minutes after local midnight. */
  minutes: number;
}

export function localTime(at: Date, timeZone: string): LocalTime {
  const f = dateTimeFormat("en-CA", { timeZone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit" });
  const parts = dateParts(f, at);
  return { date: `${parts.year}-${parts.month}-${parts.day}`, minutes: Number(parts.hour) * 60 + Number(parts.minute) };
}

export interface Window {
  startMin: number;
  endMin: number;
}

export function inWindow(at: Date, timeZone: string, w: Window): boolean {
  const { minutes } = localTime(at, timeZone);
  return minutes >= w.startMin && minutes < w.endMin;
}

/** The instant of a local date and time (minutes) in the time zone. */
export function instantOf(date: string, minutes: number, timeZone: string): Date {
  const guess = Date.parse(`${date}T00:00:00Z`) + minutes * 60_000;
  // Correct by the zone's offset at that instant (twice, for a change of offset in between).
  let at = guess;
  for (let i = 0; i < 2; i++) {
    const local = localTime(new Date(at), timeZone);
    const shown = Date.parse(`${local.date}T00:00:00Z`) + local.minutes * 60_000;
    at += guess - shown;
  }
  return new Date(at);
}

/** The next opening of the window at or after `at` (`at` itself when inside). */
export function nextWindowStart(at: Date, timeZone: string, w: Window): Date {
  const local = localTime(at, timeZone);
  if (local.minutes >= w.startMin && local.minutes < w.endMin) return at;
  if (local.minutes < w.startMin) return instantOf(local.date, w.startMin, timeZone);
  const tomorrow = new Date(Date.parse(`${local.date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  return instantOf(tomorrow, w.startMin, timeZone);
}
