// The `learning-week` preset: the usual Lifelong Learning Week (Tuần lễ hưởng ứng học tập suốt đời).
// Over the campaign's days: an opening message on day 1 to everyone who has not finished, reminders to
// the unfinished on two later days (a third and five sixths into the week: days 3 and 6 of 1–7 October),
// thanks to the confirmed on the last day, and the officers' own backlog reminder two days before the end.
import { learningWeekTexts } from "../../bot/campaigns/preset-texts.ts";
import type { Translate } from "../../bot/types.ts";
import { daysBetween, type CampaignDefinitionInput } from "./definition.ts";

export const PRESETS = ["learning-week"] as const;
export type PresetName = (typeof PRESETS)[number];

export interface PresetOptions {
  year: number;
  from: string;
  to: string;
  theme?: string;
  name?: string;
  signature?: string;
  units?: string[];
  groups?: CampaignDefinitionInput["audience"]["groups"];
  channels?: CampaignDefinitionInput["audience"]["channels"];
  window?: { start: string; end: string };
  zaloBudget?: number;
}

const UNFINISHED = ["not_started", "in_progress", "needs_more"] as const;

export function learningWeek(t: Translate, o: PresetOptions): CampaignDefinitionInput {
  const texts = learningWeekTexts(t, o.year);
  const days = Math.max(1, daysBetween(o.from, o.to) + 1);
  const at = (fraction: number) => 1 + Math.round((days - 1) * fraction);
  const rounds: CampaignDefinitionInput["rounds"] = [
    { day: 1, label: "opening", statuses: [...UNFINISHED], message: texts.opening, buttons: ["continue"] },
  ];
  if (days >= 3) {
    rounds.push({ day: at(1 / 3), label: "reminder", statuses: [...UNFINISHED], message: texts.reminder, buttons: ["continue"] });
    rounds.push({ day: at(5 / 6), label: "reminder", statuses: [...UNFINISHED], message: texts.reminder, buttons: ["continue"] });
  }
  if (days >= 2) rounds.push({ day: Math.max(2, days - 2), label: "officers", to: "officers", message: texts.officers });
  rounds.push({ day: days, label: "thanks", statuses: ["confirmed"], message: texts.thanks });
  rounds.sort((a, b) => a.day - b.day);
  return {
    name: o.name ?? texts.name.vi,
    preset: "learning-week",
    year: o.year,
    theme: o.theme,
    signature: o.signature,
    from: o.from,
    to: o.to,
    ...(o.window ? { window: o.window } : {}),
    audience: {
      units: o.units ?? [],
      groups: o.groups ?? [],
      statuses: ["not_started", "in_progress", "needs_more", "submitted", "confirmed"],
      channels: o.channels ?? ["telegram", "zalo", "web"],
    },
    rounds,
    zaloBudget: o.zaloBudget,
  };
}
