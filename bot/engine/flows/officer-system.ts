// System events of officer review: the daily reminder (and escalation) of submissions waiting too long,
// and the daily digest for officers who chose it. Each ends with a button that opens the queue.
import type { SystemEvent } from "../../types.ts";
import { column, recordButton, say, sayLines, tr, type Turn } from "../turn.ts";

type Of<N extends string> = Extract<SystemEvent, { name: N }>;

export function reviewReminder(turn: Turn, event: Of<"review.reminder">): void {
  const { t, lang } = tr(turn);
  const lines = event.items.map((i) => {
    const params = { unit: i.unitName, code: i.unitCode, n: i.count, days: i.oldestDays };
    switch (i.level) {
      case "escalate":
        return `• ${t(lang, "officer.remind_escalate", params)}`;
      case "parent":
        return `• ${t(lang, "officer.remind_parent", params)}`;
      case "orphan":
        return `• ${t(lang, "officer.remind_orphan", params)}`;
      default:
        return `• ${t(lang, "officer.remind_line", params)}`;
    }
  });
  if (lines.length === 0) return;
  sayLines(turn, [t(lang, "officer.remind_intro"), ...lines], t(lang, "officer.remind_title"));
  say(turn, { text: t(lang, "officer.remind_action"), buttons: column([recordButton(t(lang, "officer.queue_button"), "q")]) });
}

export function reviewDigest(turn: Turn, event: Of<"review.digest">): void {
  if (event.pending === 0) return;
  const { t, lang } = tr(turn);
  say(turn, {
    title: t(lang, "officer.digest_title"),
    text: t(lang, "officer.digest", { n: event.pending, overdue: event.overdue }),
    buttons: column([recordButton(t(lang, "officer.queue_button"), "q"), recordButton(t(lang, "officer.prefs_immediate_button"), "pm", "immediate")]),
  });
}
