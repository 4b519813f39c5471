// What the dashboard's review and campaign sections show, from the stores that own the tables: an
// officer's review queue (exactly what they may decide, oldest first), the administrator's list of
// submitted assessments, the campaigns one may see with their progress summed over the rounds, and what
// became of a campaign button's action.
import type pg from "pg";
import type { Principal } from "../api/auth.ts";
import { mayRunCampaign } from "../api/campaign-routes.ts";
import { campaignStats } from "../campaigns/stats.ts";
import { campaignsWithStatus, findCampaign, type CampaignStatus, type Transition } from "../campaigns/store.ts";
import type { ReviewSettings } from "../config.ts";
import { listAssessments } from "../reports/assessments.ts";
import { queueCounts, queuePage } from "../review/queue.ts";
import { subtreeIds } from "../units/store.ts";
import type { CampaignNotice, CampaignRow, ReviewModel } from "./sections.ts";

const SHOWN = 20;
const CAMPAIGNS_SHOWN = 10;

export async function reviewModel(
  pool: pg.Pool,
  p: Principal,
  input: { roots: string[] | null; year: number; now: Date },
  settings: ReviewSettings,
): Promise<ReviewModel> {
  if (p.kind === "officer") {
    const page = await queuePage(pool, { personId: p.personId, now: input.now, limit: SHOWN }, settings);
    const counts = await queueCounts(pool, { personId: p.personId, now: input.now }, settings);
    return {
      canDecide: true,
      counts: { pending: counts.pending, overdue: counts.overdue },
      rows: page.items.map((i) => ({
        id: i.assessmentId, fullName: i.fullName, unitCode: i.unit.code, unitName: i.unit.name, total: i.total, verdict: i.verdict, submittedAt: i.submittedAt,
      })),
    };
  }
  const unitIds = input.roots === null ? null : await subtreeIds(pool, input.roots);
  const items = await listAssessments(pool, { unitIds, year: input.year, status: "submitted", limit: SHOWN });
  return { canDecide: false, rows: items.map((i) => ({ id: i.id, fullName: i.fullName, unitCode: i.unitCode, unitName: i.unitName, total: i.total, verdict: i.verdict, submittedAt: i.submittedAt })) };
}

export async function campaignRows(pool: pg.Pool, p: Principal): Promise<CampaignRow[]> {
  const all = await campaignsWithStatus(pool, ["draft", "running", "paused", "cancelled", "finished"]);
  const shown = all.filter((c) => mayRunCampaign(p, c)).reverse().slice(0, CAMPAIGNS_SHOWN);
  const out: CampaignRow[] = [];
  for (const c of shown) {
    const stats = await campaignStats(pool, c);
    const progress = stats.length === 0 ? null : stats.reduce(
      (s, r) => ({
        materialised: s.materialised + r.materialised,
        sent: s.sent + r.sent,
        waiting: s.waiting + r.waiting + r.claimed + r.delivering,
        failed: s.failed + Object.values(r.failed).reduce((a, n) => a + n, 0),
        continued: s.continued + r.continued,
        submitted: s.submitted + r.submitted,
      }),
      { materialised: 0, sent: 0, waiting: 0, failed: 0, continued: 0, submitted: 0 },
    );
    out.push({ id: c.id, name: c.name, status: c.status, from: c.from, to: c.to, progress });
  }
  return out;
}

/** What the overview says after a campaign button: the campaign's name and its status now. */
export async function campaignNotice(
  pool: pg.Pool,
  p: Principal,
  q: { campaign?: string; action?: Transition; outcome?: CampaignNotice["outcome"] },
): Promise<CampaignNotice | undefined> {
  if (!q.campaign || !q.action || !q.outcome) return undefined;
  const found = await findCampaign(pool, q.campaign);
  if (!found.ok || !mayRunCampaign(p, found.value)) return { outcome: "not_found", action: q.action };
  const status: CampaignStatus = found.value.status;
  return { outcome: q.outcome, action: q.action, name: found.value.name, status };
}
