// /queue (or "HÀNG CHỜ"): the officer's pending submissions oldest first, with counts, a page at a time;
// each line opens its card, "Trang sau" the next page. Also the officer's notice preference.
import { recordButton, rows, say, tr, type Turn } from "../turn.ts";
import { formatNumber, truncate } from "../text.ts";
import { verdictName } from "./officer-card.ts";

const DAY_MS = 86_400_000;

export function queueList(turn: Turn): boolean {
  const q = turn.ctx.review?.queue;
  if (!q) return false;
  const { t, lang } = tr(turn);
  if (turn.ctx.review?.roles?.length === 0) {
    say(turn, { text: t(lang, "officer.not_officer") });
    return true;
  }
  if (q.lines.length === 0) {
    say(turn, { text: q.first ? t(lang, "officer.queue_empty") : t(lang, "officer.queue_end") });
    return true;
  }
  const lines = q.lines.map((l, i) => {
    const days = Math.max(0, Math.floor((turn.ctx.now.getTime() - Date.parse(l.submittedAt)) / DAY_MS));
    return t(lang, "officer.queue_line", {
      n: i + 1,
      name: truncate(l.fullName ?? t(lang, "officer_notice.no_name"), 40),
      year: l.birthYear ?? "–",
      unit: truncate(l.unitName, 30),
      total: l.total === null ? "–" : formatNumber(l.total, lang),
      verdict: verdictName(t, lang, l.verdict),
      days,
    });
  });
  const open = q.lines.map((l, i) => recordButton(t(lang, "officer.queue_open", { n: i + 1 }), "vw", l.assessmentId));
  const more = q.next ? [[recordButton(t(lang, "officer.queue_more"), "q", q.next.at.toString(36), q.next.id)]] : [];
  say(turn, {
    title: t(lang, "officer.queue_title", { n: q.pending }),
    text: [t(lang, "officer.queue_counts", { pending: q.pending, overdue: q.overdue }), "", ...lines].join("\n"),
    buttons: [...rows(open, 3), ...more],
  });
  return true;
}

export function preferenceSaved(turn: Turn): boolean {
  const p = turn.ctx.review?.prefs;
  if (!p) return false;
  const { t, lang } = tr(turn);
  say(turn, { text: p.mode === "digest" ? t(lang, "officer.prefs_digest") : t(lang, "officer.prefs_immediate") });
  return true;
}
