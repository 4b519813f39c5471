// What the unit's officers are told about a citizen's assessment (submitted, withdrawn): addressed
// messages, rendered in each officer's language. Officer review (issue 12) builds the review itself.
import type { Lang, Translate } from "../../types.ts";
import { formatNumber } from "../text.ts";
import { sayTo, type Turn } from "../turn.ts";

function who(turn: Turn, t: Translate, lang: Lang): { name: string; unit: string } {
  const p = turn.s.profile;
  return { name: p.fullName ?? t(lang, "officer_notice.no_name"), unit: p.unitName ?? p.unitCode ?? "" };
}

function verdictText(t: Translate, lang: Lang, verdict: "dat" | "chua_dat" | "incomplete"): string {
  switch (verdict) {
    case "dat":
      return t(lang, "result.verdict_dat");
    case "chua_dat":
      return t(lang, "result.verdict_chua_dat");
    case "incomplete":
      return t(lang, "result.verdict_incomplete");
  }
}

/** The citizen submitted: the unit's officers learn that an assessment waits for them. */
export function tellOfficersSubmitted(turn: Turn): void {
  const unitId = turn.s.profile.unitId;
  const a = turn.s.assessment;
  if (unitId === undefined || !a?.submitted) return;
  const { t } = turn.ctx;
  const { total, max, verdict } = a.submitted;
  sayTo(turn, { kind: "unit_officers", unitId }, (lang) => ({
    title: t(lang, "officer_notice.submitted_title"),
    text: t(lang, "officer_notice.submitted", {
      ...who(turn, t, lang),
      year: a.year,
      total: formatNumber(total, lang),
      max: formatNumber(max, lang),
      verdict: verdictText(t, lang, verdict),
    }),
  }));
}

/** The citizen took a submitted assessment back: it leaves the officers' queue. */
export function tellOfficersWithdrawn(turn: Turn): void {
  const unitId = turn.s.profile.unitId;
  const a = turn.s.assessment;
  if (unitId === undefined || !a) return;
  const { t } = turn.ctx;
  sayTo(turn, { kind: "unit_officers", unitId }, (lang) => ({
    text: t(lang, "officer_notice.withdrawn", { ...who(turn, t, lang), year: a.year }),
  }));
}
