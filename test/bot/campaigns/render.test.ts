// Campaign messages as a citizen sees them: respectful address by age and group, their own progress,
// the campaign's dates and signature, and "Ngừng nhận tin nhắc" on every message.
import { describe, expect, it } from "vitest";
import { createTranslateSync } from "../../../bot/i18n.ts";
import { CAMPAIGN_BUTTON_DATA, stopButtonData } from "../../../bot/campaigns/buttons.ts";
import { learningWeekTexts } from "../../../bot/campaigns/preset-texts.ts";
import { addressOf, fill, renderCampaignMessage } from "../../../bot/campaigns/render.ts";
import type { CampaignMessageSpec, RecipientView } from "../../../bot/campaigns/types.ts";

const t = createTranslateSync();
const texts = learningWeekTexts(t, 2027);
const spec: CampaignMessageSpec = {
  campaignId: "c1", round: 2, texts: texts.reminder, theme: "Phát triển văn hóa đọc",
  from: "2027-10-01", to: "2027-10-07", year: 2027, signature: "Hội Khuyến học xã Hòa Bình", buttons: ["continue"],
};
const person = (over: Partial<RecipientView>): RecipientView => ({ lang: "vi", status: "in_progress", fullName: "Nguyễn Thị Bình", ...over });

describe("campaign message rendering", () => {
  it("addresses elders as ông/bà, students as bạn, other adults as anh/chị, and both when the age is unknown", () => {
    expect(addressOf(t, person({ birthYear: 1960 }), 2027)).toBe("ông/bà");
    expect(addressOf(t, person({ birthYear: 1968 }), 2027)).toBe("anh/chị");
    expect(addressOf(t, person({ birthYear: 2010, targetGroup: "student" }), 2027)).toBe("bạn");
    expect(addressOf(t, person({}), 2027)).toBe("ông/bà, anh/chị");
  });

  it("says the citizen's own progress, the week's dates and who signs, with a continue and a stop button", () => {
    const msg = renderCampaignMessage(spec, person({ birthYear: 1955, progress: { answered: 9, total: 16 } }), t);
    expect(msg.text).toContain("Kính gửi ông/bà Nguyễn Thị Bình,");
    expect(msg.text).toContain("đã trả lời 9/16 câu");
    expect(msg.text).toContain("1/10/2027 – 7/10/2027");
    expect(msg.text.trim().split("\n").at(-1)).toBe("Hội Khuyến học xã Hòa Bình");
    expect(msg.text).not.toMatch(/\{\{|\}\}/);
    expect(msg.buttons).toEqual([
      [{ label: "Tiếp tục tự đánh giá", data: CAMPAIGN_BUTTON_DATA.continue }],
      [{ label: "Ngừng nhận tin nhắc", data: stopButtonData("c1", 2) }],
    ]);
  });

  it("offers Bắt đầu to those who have not started, and only the stop button to the confirmed", () => {
    expect(renderCampaignMessage(spec, person({ status: "not_started" }), t).buttons?.[0]?.[0]?.label).toBe("Bắt đầu");
    const thanks = renderCampaignMessage({ ...spec, texts: texts.thanks, buttons: [] }, person({ status: "confirmed" }), t);
    expect(thanks.buttons).toEqual([[{ label: "Ngừng nhận tin nhắc", data: stopButtonData("c1", 2) }]]);
    expect(thanks.text).toContain("năm 2027");
  });

  it("renders English for English speakers and falls back to Vietnamese when a campaign has no English text", () => {
    const en = renderCampaignMessage(spec, person({ lang: "en", progress: { answered: 3, total: 16 } }), t);
    expect(en.text).toContain("Dear Nguyễn Thị Bình,");
    expect(en.text).toContain("3/16 questions answered");
    expect(en.text).toContain("1 October 2027 – 7 October 2027");
    expect(en.buttons?.at(-1)?.[0]?.label).toBe("Stop reminders");
    const viOnly = renderCampaignMessage({ ...spec, texts: { vi: "Chào {{address}} {{name}}" } }, person({ lang: "en" }), t);
    expect(viOnly.text).toBe("Chào ông/bà, anh/chị Nguyễn Thị Bình");
  });

  it("leaves no stray space or comma when a value is missing", () => {
    expect(fill("Kính gửi {{address}} {{name}},\nXin chào", { address: "ông/bà" })).toBe("Kính gửi ông/bà,\nXin chào");
  });

  it("keeps button data within Telegram's 64 bytes", () => {
    for (const data of Object.values(CAMPAIGN_BUTTON_DATA)) expect(Buffer.byteLength(data)).toBeLessThanOrEqual(64);
    // The stop button names its campaign (a uuid) and round, so that the opt-out counts for that campaign.
    expect(Buffer.byteLength(stopButtonData("6f1c2a4e-9b7d-4c3e-8a21-0d5e7f9b1c3a", 99))).toBeLessThanOrEqual(64);
  });
});
