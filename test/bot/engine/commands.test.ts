// The one command parser: slash commands and words in Vietnamese (with or without diacritics, any case)
// and English, as typed on any channel.
import { describe, expect, it } from "vitest";
import { COMMAND_NAMES, commandWords, parseCommand } from "../../../bot/engine/index.ts";

const name = (text: string) => {
  const p = parseCommand(text);
  return p?.kind === "command" ? p.name : p?.kind ?? null;
};

describe("parseCommand", () => {
  it("reads slash commands with an argument and Telegram's @bot suffix", () => {
    expect(parseCommand("/start u_XA01")).toEqual({ kind: "command", name: "start", arg: "u_XA01", word: false });
    expect(parseCommand("/STATUS@cdht_bot")).toEqual({ kind: "command", name: "status", word: false });
    expect(parseCommand("/foo")).toEqual({ kind: "unknown" });
  });

  it("reads Vietnamese words with and without diacritics, in any case", () => {
    for (const [text, command] of [
      ["TIẾP TỤC", "start"], ["tiep tuc", "start"], ["Trạng thái", "status"], ["TRANG THAI", "status"],
      ["làm lại", "restart"], ["LAM LAI", "restart"], ["Dừng", "stop"], ["DUNG", "stop"], ["XÓA", "delete"],
      ["xoá", "delete"], ["xoa", "delete"], ["Trợ giúp!", "help"], ["tro giup", "help"], ["làm lại ạ", "restart"],
    ] as const) {
      expect(name(text), text).toBe(command);
    }
  });

  it("reads English words", () => {
    expect(name("Help")).toBe("help");
    expect(name("STATUS")).toBe("status");
    expect(name("start over")).toBe("restart");
    expect(name("delete my data")).toBe("delete");
  });

  it("leaves ordinary answers alone: a word with other diacritics, sentences, numbers", () => {
    expect(name("dùng")).toBeNull(); // "use", not "dừng" (stop)
    expect(name("dùng 30 giờ")).toBeNull();
    expect(name("có")).toBeNull();
    expect(name("1")).toBeNull();
    expect(name("Nguyễn Văn An")).toBeNull();
    expect(name("tôi muốn làm lại bài")).toBeNull();
  });

  it("has words in both languages for every command", () => {
    for (const command of COMMAND_NAMES) {
      expect(commandWords("vi", command).length, command).toBeGreaterThan(0);
      expect(commandWords("en", command).length, command).toBeGreaterThan(0);
    }
  });
});
