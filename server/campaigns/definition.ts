// A campaign as data, validated with zod before anything is stored: name, year, dates, daily send
// window, audience (unit subtrees, target groups, statuses, channels), rounds (day, who, message per
// language with placeholders, buttons) and the Zalo budget. Errors name the field and say what is wanted.
import { z } from "zod";
import { AUDIENCE_STATUSES, CAMPAIGN_BUTTONS, PLACEHOLDERS } from "../../bot/campaigns/types.ts";

export const CHANNELS = ["telegram", "zalo", "web"] as const;
const TARGET_GROUPS = ["worker", "public_servant", "student", "resident"] as const;
/** Zalo bans promotional messages 22:00–06:00: no window may reach into it. */
export const EARLIEST_MIN = 6 * 60;
export const LATEST_MIN = 22 * 60;

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "a date as yyyy-mm-dd")
  .refine((s) => {
    const d = new Date(`${s}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(s);
  }, "not a calendar date");

/** "08:00" → 480. */
export function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(":").map(Number) as [number, number];
  return h * 60 + m;
}
export const hhmmOf = (min: number) => `${String(Math.floor(min / 60)).padStart(2, "0")}:${String(min % 60).padStart(2, "0")}`;

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "a time as HH:MM");

const unknownPlaceholders = (text: string) =>
  [...text.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]!).filter((p) => !(PLACEHOLDERS as readonly string[]).includes(p));

const text = z
  .string()
  .trim()
  .min(1, "must not be empty")
  .max(1500, "at most 1500 characters (Zalo shows 2000 with the buttons)")
  .superRefine((value, ctx) => {
    const unknown = unknownPlaceholders(value);
    if (unknown.length > 0) {
      ctx.addIssue({ code: "custom", message: `unknown placeholder ${unknown.map((p) => `{{${p}}}`).join(", ")}; known: ${PLACEHOLDERS.join(", ")}` });
    }
  });

export const textsSchema = z.object({ vi: text, en: text.optional() });

export const roundSchema = z.object({
  /** Day of the campaign, 1 = the first day. */
  day: z.number().int().min(1, "day 1 is the first day of the campaign"),
  /** citizens: people of the audience; officers: active officers of the audience's units with a backlog. */
  to: z.enum(["citizens", "officers"]).default("citizens"),
  /** Citizens' statuses this round goes to (default: the campaign audience's). */
  statuses: z.array(z.enum(AUDIENCE_STATUSES)).min(1).optional(),
  label: z.string().trim().max(60).optional(),
  message: textsSchema,
  buttons: z.array(z.enum(CAMPAIGN_BUTTONS)).default([]),
});

export const audienceSchema = z.object({
  /** Unit codes; each includes its whole subtree. Empty: every unit. */
  units: z.array(z.string().trim().toUpperCase()).default([]),
  /** Empty: every target group. */
  groups: z.array(z.enum(TARGET_GROUPS)).default([]),
  statuses: z.array(z.enum(AUDIENCE_STATUSES)).min(1, "at least one status").default([...AUDIENCE_STATUSES]),
  channels: z.array(z.enum(CHANNELS)).min(1, "at least one channel").default([...CHANNELS]),
});

export const campaignDefinitionSchema = z
  .object({
    name: z.string().trim().min(3, "at least 3 characters").max(200),
    preset: z.string().optional(),
    year: z.number().int().min(2020).max(2100),
    theme: z.string().trim().max(300).optional(),
    /** Who signs the messages (e.g. "Hội Khuyến học xã Hòa Bình"); default: the recipient's unit. */
    signature: z.string().trim().max(200).optional(),
    from: isoDate,
    to: isoDate,
    window: z.object({ start: hhmm, end: hhmm }).default({ start: "08:00", end: "20:00" }),
    audience: audienceSchema,
    rounds: z.array(roundSchema).min(1, "at least one round").max(30),
    /** Đồng; absent = no paid Zalo message at all. */
    zaloBudget: z.number().int().min(0).optional(),
  })
  .superRefine((d, ctx) => {
    if (d.from > d.to) ctx.addIssue({ code: "custom", path: ["to"], message: "must not be before from" });
    const start = minutesOf(d.window.start);
    const end = minutesOf(d.window.end);
    if (start < EARLIEST_MIN || end > LATEST_MIN) {
      ctx.addIssue({ code: "custom", path: ["window"], message: "must lie within 06:00–22:00 (never at night)" });
    }
    if (start >= end) ctx.addIssue({ code: "custom", path: ["window"], message: "start must be before end" });
    const days = daysBetween(d.from, d.to) + 1;
    d.rounds.forEach((r, i) => {
      if (r.day > days) ctx.addIssue({ code: "custom", path: ["rounds", i, "day"], message: `the campaign has ${days} days` });
    });
  });

export type CampaignDefinition = z.output<typeof campaignDefinitionSchema>;
export type CampaignDefinitionInput = z.input<typeof campaignDefinitionSchema>;
export type RoundDefinition = z.output<typeof roundSchema>;
export type Audience = z.output<typeof audienceSchema>;

export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** The local date of a round: day 1 is `from`. */
export function roundDate(from: string, day: number): string {
  return new Date(Date.parse(`${from}T00:00:00Z`) + (day - 1) * 86_400_000).toISOString().slice(0, 10);
}

export type Validated<T> = { ok: true; value: T } | { ok: false; code: "invalid"; message: string };

export function validateDefinition(input: unknown): Validated<CampaignDefinition> {
  const parsed = campaignDefinitionSchema.safeParse(input);
  if (parsed.success) return { ok: true, value: parsed.data };
  return {
    ok: false,
    code: "invalid",
    message: parsed.error.issues.map((i) => `${i.path.join(".") || "campaign"}: ${i.message}`).join("; "),
  };
}
