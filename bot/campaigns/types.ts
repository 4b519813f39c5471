// What a campaign message is made of, shared by the admin side (server/campaigns: definitions, preview)
// and the engine (which renders it in the recipient's own conversation): plain data, no I/O.
import type { Lang } from "../types.ts";
import type { TargetGroup } from "../../rules/index.ts";

/** Where a person stands this evaluation year, as campaign audiences select it. */
export const AUDIENCE_STATUSES = ["not_started", "in_progress", "needs_more", "submitted", "confirmed"] as const;
export type AudienceStatus = (typeof AUDIENCE_STATUSES)[number];

/** Buttons a campaign message may offer besides "Ngừng nhận tin nhắc" (always there). */
export const CAMPAIGN_BUTTONS = ["continue"] as const;
export type CampaignButton = (typeof CAMPAIGN_BUTTONS)[number];

/** Placeholders a campaign text may use, as {{name}}. */
export const PLACEHOLDERS = [
  "address", "Address", "name", "unit", "signature", "from", "to", "theme", "year", "progress", "answered", "total", "count",
] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];

/** A text per language; Vietnamese is required, English falls back to it when missing. */
export type Texts = { vi: string; en?: string };

/** One message of one round, ready for rendering in any recipient's conversation. */
export interface CampaignMessageSpec {
  campaignId: string;
  round: number;
  texts: Texts;
  /** Values of the campaign itself: theme, dates (ISO yyyy-mm-dd), year, signature. */
  theme?: string;
  from: string;
  to: string;
  year: number;
  signature?: string;
  buttons: CampaignButton[];
}

/** What the message may say about its recipient. */
export interface RecipientView {
  lang: Lang;
  fullName?: string;
  birthYear?: number;
  targetGroup?: TargetGroup;
  unitName?: string;
  status: AudienceStatus;
  /** Questions answered and shown so far (in progress, needs more). */
  progress?: { answered: number; total: number };
  /** Officers: submissions waiting for them. */
  backlog?: number;
}
