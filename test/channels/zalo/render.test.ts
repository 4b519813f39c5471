import { describe, expect, it } from "vitest";
import type { Button } from "../../../bot/types.ts";
import { BUTTON_PAYLOAD_PREFIX, planButtons, renderZalo, splitText, truncateTitle } from "../../../server/channels/zalo/render.ts";

const b = (label: string, data: string): Button => ({ label, data });

describe("renderZalo", () => {
  it("plain text with the title on its own first line, no markup or escaping", () => {
    expect(renderZalo({ title: "Câu 1/10", text: "Bạn có <đọc> sách & báo không?" })).toEqual([
      { text: "Câu 1/10\nBạn có <đọc> sách & báo không?" },
    ]);
  });

  it("buttons become hidden-query buttons carrying our prefix + the engine's data", () => {
    const [part] = renderZalo({ text: "Có hay không?", buttons: [[b("Có", "1a.a.y")], [b("Không", "1a.a.n")]] });
    expect(part).toEqual({
      text: "Có hay không?",
      attachment: {
        type: "template",
        payload: {
          buttons: [
            { title: "Có", type: "oa.query.hide", payload: `${BUTTON_PAYLOAD_PREFIX}1a.a.y` },
            { title: "Không", type: "oa.query.hide", payload: `${BUTTON_PAYLOAD_PREFIX}1a.a.n` },
          ],
        },
      },
    });
  });

  it("splits a long text at 2000 characters on line breaks, buttons only on the last part", () => {
    const line = "x".repeat(99); // 100 with its newline
    const text = Array.from({ length: 45 }, (_, i) => `${String(i).padStart(2, "0")}${line.slice(2)}`).join("\n");
    const parts = renderZalo({ title: "Tiêu đề", text, buttons: [[b("OK", "2.o")]] });
    expect(parts.length).toBe(3);
    for (const p of parts) expect(p.text.length).toBeLessThanOrEqual(2000);
    expect(parts[0]!.attachment).toBeUndefined();
    expect(parts[1]!.attachment).toBeUndefined();
    expect(parts[2]!.attachment?.payload.buttons).toHaveLength(1);
    // nothing lost, nothing cut inside a line
    expect(parts.map((p) => p.text).join("\n")).toBe(`Tiêu đề\n${text}`);
    expect(parts[1]!.text.startsWith("19")).toBe(true);
  });

  it("cuts a single over-long line, preferably at a space, without losing characters", () => {
    const words = Array.from({ length: 700 }, (_, i) => `w${i}`).join(" ");
    const parts = splitText(words, 2000);
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) expect(p.length).toBeLessThanOrEqual(2000);
    expect(parts.join(" ")).toBe(words);
    const solid = "é".repeat(4500);
    expect(splitText(solid, 2000).map((p) => p.length)).toEqual([2000, 2000, 500]);
  });

  it("truncates button titles to 100 characters with …", () => {
    const long = "Đ".repeat(150);
    expect(truncateTitle(long)).toBe("Đ".repeat(99) + "…");
    expect(truncateTitle(long)).toHaveLength(100);
    const [part] = renderZalo({ text: "t", buttons: [[b(long, "3.x")]] });
    expect(part!.attachment!.payload.buttons[0]!.title).toHaveLength(100);
  });

  it("≤ 5 buttons are all sent and the text is unchanged", () => {
    const buttons = [1, 2, 3, 4, 5].map((i) => [b(`Lựa chọn ${i}`, `4.a.${i}`)]);
    const [part] = renderZalo({ text: "Chọn:", buttons });
    expect(part!.text).toBe("Chọn:");
    expect(part!.attachment!.payload.buttons).toHaveLength(5);
  });

  it("> 5 buttons: those the citizen can type are left out, the others stay buttons, text unchanged", () => {
    const options = ["Hằng ngày", "Vài lần một tuần", "Vài lần một tháng", "Hiếm khi", "Không bao giờ"];
    const text = ["Bạn đọc sách báo bao lâu một lần?", "", ...options.map((o, i) => `${i + 1}. ${o}`), "", "Bấm nút hoặc gõ số."].join("\n");
    const buttons = [...options.map((l, i) => [{ ...b(l, `5.a.${i}`), typed: String(i + 1) }]), [b("Bỏ qua", "5.k")], [b("Quay lại", "5.b")]];
    const [part] = renderZalo({ title: "Câu 3/10", text, buttons });
    expect(part!.text).toBe(`Câu 3/10\n${text}`);
    expect(part!.attachment!.payload.buttons.map((x) => x.title)).toEqual(["Bỏ qua", "Quay lại"]);
    expect(part!.attachment!.payload.buttons.map((x) => x.payload)).toEqual([`${BUTTON_PAYLOAD_PREFIX}5.k`, `${BUTTON_PAYLOAD_PREFIX}5.b`]);
  });

  it("> 5 buttons of a review page: the edit buttons are typed, page and submit stay", () => {
    const edits = [1, 2, 3, 4, 5, 6, 7, 8].map((n) => ({ ...b(`Sửa câu ${n}`, `9.e.${n}`), typed: String(n) }));
    const send = planButtons([...edits, b("Trang sau ▶", "9.p.1"), b("Nộp bài", "9.s")]);
    expect(send.map((x) => x.label)).toEqual(["Trang sau ▶", "Nộp bài"]);
  });

  it("> 5 buttons none of which can be typed: the first 5 are sent", () => {
    const buttons = ["A", "B", "C", "D", "E", "F"].map((l, i) => b(l, `8.x.${i}`));
    expect(planButtons(buttons).map((x) => x.label)).toEqual(["A", "B", "C", "D", "E"]);
  });
});
