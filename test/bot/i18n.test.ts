// The locale files against the code: every key the code uses exists in Vietnamese and English, no key
// is unused, and the texts are plain (adapters format and escape per channel).
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { flattenKeys, sourceTexts, usedKeys } from "../support/locale-keys.ts";
import { createTranslate, createTranslateSync, resources, usedKeyPattern } from "../../bot/i18n.ts";

const BOT = fileURLToPath(new URL("../../bot/", import.meta.url));

const code = sourceTexts(BOT, /\.ts$/);
const used = usedKeys(code, usedKeyPattern);
const vi = flattenKeys(resources.vi.bot);
const en = flattenKeys(resources.en.bot);

describe("locales", () => {
  it("the code uses keys", () => {
    expect(used.size).toBeGreaterThan(100);
  });

  it("every key used exists in vi and en", () => {
    expect([...used].filter((k) => !(k in vi))).toEqual([]);
    expect([...used].filter((k) => !(k in en))).toEqual([]);
  });

  it("no key is unused, and vi and en have the same keys", () => {
    expect(Object.keys(vi).filter((k) => !used.has(k))).toEqual([]);
    expect(Object.keys(en).sort()).toEqual(Object.keys(vi).sort());
  });

  it("every call passes a literal key", () => {
    const calls = code.flatMap((text) => [...text.matchAll(/\bt\(\s*[A-Za-z_.]+\s*,\s*([^\s])/g)].map((m) => m[1]));
    expect(calls.length).toBeGreaterThan(100);
    expect(calls.filter((c) => c !== '"')).toEqual([]);
  });

  it("Vietnamese avoids exam words and jargon, and the bot calls itself Trợ lý", () => {
    for (const [key, text] of Object.entries(vi)) {
      expect(text, key).not.toMatch(/nộp bài|số nguyên|chúng tôi|(^|\. )Mình |Nghị định 13|Phòng GDĐT/i);
    }
    // Words, not only slash commands: the help text lists them.
    expect(vi["help.text"]).toMatch(/TIẾP TỤC[\s\S]*TRẠNG THÁI[\s\S]*LÀM LẠI[\s\S]*DỪNG[\s\S]*XÓA[\s\S]*TRỢ GIÚP/);
  });

  it("the intro says plainly that the questions are the project's reading of 324/QĐ-KHVN, not the official form", () => {
    expect(vi["assessment.intro"]).toContain("324/QĐ-KHVN");
    expect(vi["assessment.intro"]).toContain("không phải phiếu đánh giá chính thức");
    expect(vi["assessment.intro"]).toMatch(/có thể thay/);
    expect(en["assessment.intro"]).toContain("not the official form");
  });

  it("the evidence prompts say ảnh (photo) and point at the camera button", () => {
    for (const key of ["evidence.send_now", "evidence.hint_text"]) {
      expect(vi[key], key).toMatch(/ảnh/);
      expect(vi[key], key).toContain("📷");
      expect(en[key], key).toContain("📷");
    }
  });

  it("the consent names the data holder, what is kept (phone too), why, how long, how to withdraw and the law", () => {
    const consent = vi["consent.text"]!;
    expect(consent).toContain("{{holder}}");
    expect(consent).toMatch(/số điện thoại/);
    expect(consent).toMatch(/Để làm gì/);
    expect(consent).toMatch(/Lưu bao lâu: trong năm đánh giá và \{\{years\}\} năm tiếp theo[^\n]*tự động xoá/);
    expect(en["consent.text"]).toMatch(/\{\{years\}\} year\(s\) after it[^\n]*erases it automatically/);
    expect(consent).toMatch(/XÓA/);
    expect(consent).toContain("91/2025/QH15");
    expect(consent).toMatch(/dưới 16 tuổi/);
  });

  it("Vietnamese uses no plural form other than _other", () => {
    expect(Object.keys(vi).filter((k) => /_(zero|one|two|few|many)$/.test(k))).toEqual([]);
  });

  it("texts are plain: no HTML or Markdown markup, no empty text", () => {
    for (const text of [...Object.values(vi), ...Object.values(en)]) {
      expect(text.trim().length).toBeGreaterThan(0);
      expect(text).not.toMatch(/<\/?[a-z][^>]*>|\*\*|__|`/i);
    }
  });

  it("button labels fit in 40 characters", () => {
    const labels = [
      "consent.agree", "consent.disagree", "consent.other_lang", "group.worker", "group.public_servant",
      "group.student", "group.resident", "unit.suggest_yes", "unit.suggest_no", "question.back", "question.skip",
      "question.multi.done", "question.yes_no.yes", "question.yes_no.no", "evidence.send", "evidence.skip",
      "evidence.continue", "review.edit", "review.prev", "review.next", "review.submit", "assessment.restart_button",
      "restart.yes", "restart.no", "delete.yes", "delete.no", "lang.vi", "lang.en", "consent.reconsider",
      "unit.pick_none", "guardian.yes", "guardian.no", "result.button_status", "result.button_restart",
    ];
    expect(labels.length).toBeGreaterThan(20);
    for (const k of labels) {
      expect(Array.from(vi[k]!.replace("{{n}}", "99")).length, k).toBeLessThanOrEqual(40);
      expect(Array.from(en[k]!.replace("{{n}}", "99")).length, k).toBeLessThanOrEqual(40);
    }
  });
});

describe("createTranslate", () => {
  it("translates with parameters, unescaped, falling back to Vietnamese", async () => {
    const t = await createTranslate();
    expect(t("vi", "question.title", { n: 3, total: 10 })).toBe("Câu 3/10");
    expect(t("en", "question.title", { n: 3, total: 10 })).toBe("Question 3/10");
    expect(t("vi", "unit.selected", { name: "A & <B>", code: "X" })).toBe("Đơn vị: A & <B> (X).");
    expect(t("en", "review.submit")).toBe("Send my self-assessment");
  });

  it("is synchronous too", () => {
    const t = createTranslateSync();
    expect(t("vi", "review.submit")).toBe("Gửi bài tự đánh giá");
  });
});
