import { describe, expect, it } from "vitest";
import { localText } from "../../rules/index.ts";

describe("localText", () => {
  it("picks the requested language", () => {
    expect(localText({ vi: "Xin chào", en: "Hello" }, "vi")).toBe("Xin chào");
    expect(localText({ vi: "Xin chào", en: "Hello" }, "en")).toBe("Hello");
  });
  it("falls back to Vietnamese when there is no English", () => {
    expect(localText({ vi: "Xin chào" }, "en")).toBe("Xin chào");
    expect(localText({ vi: "Xin chào", en: " " }, "en")).toBe("Xin chào");
  });
});
