// The plan (a dry run): each round's audience by channel, status and reachability at the round's send
// time, and what delivering it takes under each platform's pace, the send window and Zalo's rules and
// prices – e.g. "Telegram 80,000 ≈ 45 min at 30/s; Zalo 52,000: 31,000 inside the 7-day window as
// consultation messages, 18,000 need a template message at 300 đồng (≈ 5,400,000 đồng), 3,000
// unreachable". Nothing is written.
import type pg from "pg";
import type { CampaignSettings } from "../config.ts";
import { audienceCounts } from "./audience.ts";
import { hhmmOf } from "./definition.ts";
import { instantOf } from "./schedule.ts";
import { roundRows, type CampaignRecord } from "./store.ts";

export interface RoundPlan {
  round: number;
  day: number;
  sendOn: string;
  label?: string;
  to: "citizens" | "officers";
  /** Audience rows by channel → status → reach (ok, consultation, template, unreachable, opted_out). */
  counts: { channel: string; status: string; reach: string; n: number }[];
  materialised: number | null;
}

export interface Plan {
  campaign: CampaignRecord;
  rounds: RoundPlan[];
  settings: CampaignSettings;
  timeZone: string;
}

export async function planCampaign(pool: pg.Pool, c: CampaignRecord, settings: CampaignSettings, timeZone: string, now = new Date()): Promise<Plan> {
  const rows = await roundRows(pool, c.id);
  const rounds: RoundPlan[] = [];
  for (const [i, round] of c.rounds.entries()) {
    const info = rows.find((r) => r.round === i + 1);
    const sendOn = info?.sendOn ?? c.from;
    const opens = instantOf(sendOn, c.window.startMin, timeZone);
    const at = opens > now ? opens : now;
    const { text, values } = audienceCounts(c, round, at, Boolean(settings.zalo.templateId), Boolean(settings.zalo.promotionTemplate));
    const { rows: counts } = await pool.query(text, values);
    rounds.push({
      round: i + 1,
      day: round.day,
      sendOn,
      label: round.label,
      to: round.to,
      counts: counts as RoundPlan["counts"],
      materialised: info?.materialisedAt ? info.materialised : null,
    });
  }
  return { campaign: c, rounds, settings, timeZone };
}

const num = (n: number) => n.toLocaleString("en-US");

export function duration(seconds: number): string {
  if (seconds < 90) return `${Math.max(1, Math.round(seconds))} s`;
  if (seconds < 90 * 60) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

const sum = (rows: RoundPlan["counts"], f: (r: RoundPlan["counts"][number]) => boolean) =>
  rows.filter(f).reduce((s, r) => s + r.n, 0);

export interface ZaloCost {
  consultation: number;
  template: number;
  promotion: number;
  cost: number;
}

export function zaloCost(r: RoundPlan, settings: CampaignSettings): ZaloCost {
  const consultation = sum(r.counts, (x) => x.channel === "zalo" && x.reach === "consultation");
  const template = sum(r.counts, (x) => x.channel === "zalo" && x.reach === "template");
  const promotion = sum(r.counts, (x) => x.channel === "zalo" && x.reach === "promotion");
  const z = settings.zalo;
  return { consultation, template, promotion, cost: consultation * z.consultationPrice + template * z.templatePrice + promotion * z.promotionPrice };
}

/** The plan as the lines `campaign plan` prints. */
export function formatPlan(p: Plan): string[] {
  const { campaign: c, settings: s } = p;
  const windowMin = c.window.endMin - c.window.startMin;
  const out = [
    `Campaign ${c.id.slice(0, 8)} "${c.name}" (${c.status}), ${c.from} → ${c.to}, send window ${hhmmOf(c.window.startMin)}–${hhmmOf(c.window.endMin)} ${p.timeZone}`,
    `Audience: ${c.audience.units.length ? `units ${c.audience.units.map((u) => u.code).join(", ")} with their subtrees` : "every unit"}; ` +
      `${c.audience.groups.length ? `groups ${c.audience.groups.join(", ")}` : "every group"}; channels ${c.audience.channels.join(", ")}`,
  ];
  let totalCost = 0;
  let totalTemplate = 0;
  let totalPromotion = 0;
  let totalConsultationCost = 0;
  for (const r of p.rounds) {
    const all = sum(r.counts, () => true);
    out.push("");
    out.push(`Round ${r.round} – day ${r.day} (${r.sendOn})${r.label ? `, ${r.label}` : ""}, to ${r.to}: ${num(all)} people` +
      (r.materialised !== null ? ` (materialised: ${num(r.materialised)})` : ""));
    const statuses = new Map<string, number>();
    for (const x of r.counts) statuses.set(x.status, (statuses.get(x.status) ?? 0) + x.n);
    if (r.to === "citizens") out.push(`  by status: ${[...statuses].map(([k, n]) => `${k.replace("_", " ")} ${num(n)}`).join("; ") || "nobody"}`);
    const optedOut = sum(r.counts, (x) => x.reach === "opted_out");
    const tg = sum(r.counts, (x) => x.channel === "telegram" && x.reach === "ok");
    const tgOff = sum(r.counts, (x) => x.channel === "telegram" && x.reach === "unreachable");
    if (c.audience.channels.includes("telegram")) {
      const seconds = tg / s.telegramPerSecond;
      out.push(`  Telegram ${num(tg)} ≈ ${duration(seconds)} at ${s.telegramPerSecond}/s` +
        (seconds > windowMin * 60 ? ` (longer than one send window: ${Math.ceil(seconds / (windowMin * 60))} days)` : "") +
        (tgOff ? `; ${num(tgOff)} unreachable (blocked the bot)` : ""));
    }
    if (c.audience.channels.includes("zalo")) {
      const z = zaloCost(r, s);
      const off = sum(r.counts, (x) => x.channel === "zalo" && x.reach === "unreachable");
      const zaloAll = z.consultation + z.template + z.promotion + off;
      const parts = [`${num(z.consultation)} inside the 7-day window as consultation messages` +
        (s.zalo.consultationPrice ? ` at ${num(s.zalo.consultationPrice)} đồng` : " (free while the OA's quota lasts)")];
      if (s.zalo.promotionTemplate) {
        parts.push(`${num(z.promotion)} outside it as promotion messages (${s.zalo.promotionTemplate}, at most one per person a day) at ${num(s.zalo.promotionPrice)} đồng (≈ ${num(z.promotion * s.zalo.promotionPrice)} đồng)` +
          (z.promotion > s.zalo.promotionDailyLimit ? `, ${Math.ceil(z.promotion / Math.max(1, s.zalo.promotionDailyLimit))} days at the OA's ${num(s.zalo.promotionDailyLimit)} a day` : ""));
      }
      if (s.zalo.templateId && (!s.zalo.promotionTemplate || z.template > 0)) {
        parts.push(`${num(z.template)} need a template message (${s.zalo.templateId}) at ${num(s.zalo.templatePrice)} đồng (≈ ${num(z.template * s.zalo.templatePrice)} đồng)` +
          (z.template > s.zalo.templateDailyLimit ? `, ${Math.ceil(z.template / Math.max(1, s.zalo.templateDailyLimit))} days at the OA's ${num(s.zalo.templateDailyLimit)} a day` : ""));
      }
      parts.push(`${num(off)} unreachable${s.zalo.templateId || s.zalo.promotionTemplate ? "" : " (silent for more than 7 days and no ZALO_PROMOTION_TEMPLATE or ZALO_WINDOW_TEMPLATE set, or blocked)"}`);
      out.push(`  Zalo ${num(zaloAll)}: ${parts.join(", ")}; ≈ ${duration((z.consultation + z.template + z.promotion) / s.zaloPerSecond)} at ${s.zaloPerSecond}/s`);
      totalCost += z.cost;
      totalTemplate += z.template;
      totalPromotion += z.promotion;
      totalConsultationCost += z.consultation * s.zalo.consultationPrice;
    }
    if (c.audience.channels.includes("web")) {
      out.push(`  Web chat ${num(sum(r.counts, (x) => x.channel === "web" && x.reach === "ok"))} (shown when they open the chat)`);
    }
    if (optedOut) out.push(`  skipped: ${num(optedOut)} opted out of reminders`);
  }
  out.push("");
  if (c.audience.channels.includes("zalo")) {
    const budget = c.zaloBudget;
    let line = `Zalo cost ≈ ${num(totalCost)} đồng`;
    if (budget === null) line += totalCost > 0 ? "; no Zalo budget set (--zalo-budget): paid Zalo messages will be skipped" : "; no Zalo budget set";
    else if (totalCost > budget) {
      // Messages go out round by round in order, so the budget runs out part-way; roughly:
      const afterConsultation = Math.max(0, budget - totalConsultationCost);
      const price = totalPromotion > 0 ? s.zalo.promotionPrice : s.zalo.templatePrice;
      const paid = totalTemplate + totalPromotion;
      const covered = price > 0 ? Math.floor(afterConsultation / price) : paid;
      line += ` > budget ${num(budget)} đồng: the campaign stops paid Zalo messages at the budget (about ${num(Math.min(covered, paid))} of ${num(paid)} ${totalPromotion > 0 ? "promotion" : "template"} messages)`;
    } else line += ` within the budget of ${num(budget)} đồng`;
    out.push(line);
  }
  out.push(`At most ${s.personDailyCap} campaign message${s.personDailyCap > 1 ? "s" : ""} per person per day across all campaigns; outside the send window messages wait for the next one.`);
  return out;
}
