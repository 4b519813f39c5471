// Renders one campaign message for one recipient: the campaign's text in the recipient's language with
// its placeholders filled (respectful address by age and group, name, unit, dates, theme, the
// recipient's own progress such as "đã trả lời 9/16 câu"), then the buttons; "Ngừng nhận tin nhắc" is on
// every campaign message. Pure: the engine calls it inside the recipient's conversation, `campaign
// preview` calls it for sample people.
import type { Button, Lang, OutMessage, Translate } from "../types.ts";
import { ELDER_AGE } from "../engine/turn.ts";
import { CAMPAIGN_BUTTON_DATA, stopButtonData } from "./buttons.ts";
import type { CampaignMessageSpec, Placeholder, RecipientView } from "./types.ts";
import { dateTimeFormat } from "../intl.ts";

/**
 * How to address the recipient, as the rest of the conversation does (bot/engine/turn.ts): ông/bà from
 * about 60, bạn for students, anh/chị for other adults; both forms when the age is unknown.
 */
export function addressOf(t: Translate, who: RecipientView, year: number): string {
  if (who.targetGroup === "student") return t(who.lang, "address.student");
  if (who.birthYear === undefined) return t(who.lang, "address.unknown");
  if (year - who.birthYear >= ELDER_AGE) return t(who.lang, "address.elder");
  return t(who.lang, "address.adult");
}

/** The recipient's own progress this year, as a short phrase. */
export function progressOf(t: Translate, who: RecipientView): string {
  const { lang } = who;
  switch (who.status) {
    case "not_started":
      return t(lang, "campaign.progress.not_started");
    case "in_progress":
      return who.progress
        ? t(lang, "campaign.progress.answered", { answered: who.progress.answered, total: who.progress.total })
        : t(lang, "campaign.progress.in_progress");
    case "needs_more":
      return t(lang, "campaign.progress.needs_more");
    case "submitted":
      return t(lang, "campaign.progress.submitted");
    case "confirmed":
      return t(lang, "campaign.progress.confirmed");
  }
}

/** A date (yyyy-mm-dd) as people write it: 1/10/2027, 1 October 2027. */
export function formatDate(iso: string, lang: Lang): string {
  const [y, m, d] = iso.split("-").map(Number) as [number, number, number];
  const at = new Date(Date.UTC(y, m - 1, d));
  return dateTimeFormat(lang === "vi" ? "vi-VN" : "en-GB", {
    day: "numeric",
    month: lang === "vi" ? "numeric" : "long",
    year: "numeric",
    timeZone: "UTC",
  }).format(at);
}

const capitalise = (s: string) => (s ? s[0]!.toLocaleUpperCase("vi") + s.slice(1) : s);

/** Fills {{placeholder}}s; an empty value leaves no double space or " ," behind. */
export function fill(text: string, values: Partial<Record<Placeholder, string>>): string {
  return text
    .replace(/\{\{\s*(\w+)\s*\}\}/g, (_, name: string) => values[name as Placeholder] ?? "")
    .replace(/[ \t]{2,}/g, " ")
    .replace(/ +([,.!?:;])/g, "$1")
    .replace(/^ +| +$/gm, "");
}

/** A campaign without an English text speaks Vietnamese to everyone: placeholders and buttons included. */
export function messageLang(spec: CampaignMessageSpec, who: RecipientView): Lang {
  return who.lang === "en" && spec.texts.en ? "en" : "vi";
}

export function campaignText(spec: CampaignMessageSpec, recipient: RecipientView, t: Translate): string {
  const lang = messageLang(spec, recipient);
  const who = { ...recipient, lang };
  const address = addressOf(t, who, spec.year);
  const text = lang === "en" ? spec.texts.en! : spec.texts.vi;
  return fill(text, {
    address,
    Address: capitalise(address),
    name: who.fullName ?? "",
    unit: who.unitName ?? "",
    signature: spec.signature ?? who.unitName ?? "",
    from: formatDate(spec.from, lang),
    to: formatDate(spec.to, lang),
    theme: spec.theme ?? "",
    year: String(spec.year),
    progress: progressOf(t, who),
    answered: String(who.progress?.answered ?? 0),
    total: String(who.progress?.total ?? 0),
    count: String(who.backlog ?? 0),
  });
}

export function campaignButtons(spec: CampaignMessageSpec, recipient: RecipientView, t: Translate): Button[][] {
  const who = { ...recipient, lang: messageLang(spec, recipient) };
  const rows: Button[][] = [];
  const unfinished = who.status === "not_started" || who.status === "in_progress" || who.status === "needs_more";
  if (spec.buttons.includes("continue") && unfinished) {
    const label = who.status === "not_started" ? t(who.lang, "campaign.button.start") : t(who.lang, "campaign.button.continue");
    rows.push([{ label, data: CAMPAIGN_BUTTON_DATA.continue }]);
  }
  rows.push([{ label: t(who.lang, "campaign.button.stop"), data: stopButtonData(spec.campaignId, spec.round) }]);
  return rows;
}

export function renderCampaignMessage(spec: CampaignMessageSpec, who: RecipientView, t: Translate): OutMessage {
  return { text: campaignText(spec, who, t), buttons: campaignButtons(spec, who, t) };
}
