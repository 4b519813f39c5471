// `/report` in chat: the chart of an officer's units against their target (PNG) and the figures of one
// line, for the current year. Read-only; runs in the chat event's transaction (server/review/hook.ts).
import type { Lang } from "../../bot/types.ts";
import type { ChatReport } from "../../bot/review.ts";
import { currentYear } from "../api/report-routes.ts";
import { chartPng, targetsChartSvg } from "../charts/render.ts";
import { adminT } from "../dashboard/i18n.ts";
import { officerUnitIds, type Queryable } from "../units/store.ts";
import { reportFor } from "./store.ts";

export async function chatReport(db: Queryable, input: { personId: string; lang: Lang; timeZone: string; now: Date }): Promise<ChatReport | undefined> {
  const roots = await officerUnitIds(db, input.personId);
  if (roots.length === 0) return undefined;
  const year = currentYear(input.timeZone, input.now);
  const report = await reportFor(db, roots, year);
  const tops = report.filter((u) => u.depth === 0);
  if (tops.length === 0) return undefined;
  // One unit: its units below against their targets (itself when it has none); several: those units.
  const below = tops.length === 1 ? report.filter((u) => u.depth === 1) : [];
  const rows = below.length > 0 ? below : tops;
  const names = tops.map((u) => u.name).join(", ");
  const svg = await targetsChartSvg(rows, input.lang, adminT(input.lang, "chart.targets_title", { unit: names, year }));
  const members = tops.reduce<number | null>((a, u) => (u.members === null ? a : (a ?? 0) + u.members), null);
  const confirmed = tops.reduce((a, u) => a + u.confirmed, 0);
  return {
    png: Buffer.from(chartPng(svg)).toString("base64"),
    units: names,
    year,
    members,
    submitted: tops.reduce((a, u) => a + u.submitted, 0),
    confirmed,
    sharePercent: members ? Math.round((confirmed / members) * 1000) / 10 : null,
    targetPercent: tops.length === 1 ? tops[0]!.targetPercent : null,
  };
}
