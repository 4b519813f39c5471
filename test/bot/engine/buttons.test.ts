import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { decodeButton, encodeButton, indexArg } from "../../../bot/engine/buttons.ts";

describe("button data", () => {
  it("round-trips seq and action", () => {
    expect(encodeButton(0, "c.y")).toBe("0.c.y");
    expect(encodeButton(36, "a.12")).toBe("10.a.12");
    expect(decodeButton("10.a.12")).toEqual({ seq: 36, action: ["a", "12"] });
    expect(decodeButton("z.s")).toEqual({ seq: 35, action: ["s"] });
  });

  it("stays short for any seq and option index", () => {
    fc.assert(
      fc.property(fc.nat(), fc.nat({ max: 9999 }), (seq, i) => {
        const data = encodeButton(seq, `t.${i}`);
        expect(Buffer.byteLength(data)).toBeLessThanOrEqual(64);
        expect(decodeButton(data)).toEqual({ seq, action: ["t", String(i)] });
      }),
    );
  });

  it("rejects malformed data", () => {
    for (const data of ["", "garbage", ".a", "1.", "1..a", "1.a.b.c.d", "1.abc", "1.a.toolongargument", "-1.a", "1.a b", "x".repeat(80)]) {
      expect(decodeButton(data), data).toBeNull();
    }
  });

  it("reads indexes", () => {
    expect(indexArg("0")).toBe(0);
    expect(indexArg("12")).toBe(12);
    expect(indexArg(undefined)).toBeNull();
    expect(indexArg("a")).toBeNull();
    expect(indexArg("-1")).toBeNull();
  });
});
