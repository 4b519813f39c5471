// Input that passed a platform's secret or signature but can never be applied: counted per channel and
// reason (for the operations metrics) and logged once per occurrence at the edge that dropped it.
import { z } from "zod";

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Whether PostgreSQL can store the text: no NUL character and no lone UTF-16 surrogate. */
export const isStorable = (s: string) => !s.includes("\u0000") && !LONE_SURROGATE.test(s);

/** A string schema for text PostgreSQL can store. */
export const storableText = (max: number) => z.string().max(max).refine(isStorable, "contains a NUL character or a broken surrogate");

export class DroppedInputs {
  private readonly counts = new Map<string, number>();

  count(channel: string, reason: string): void {
    const key = `${channel}\u0000${reason}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }

  /** Drops so far, per channel and reason (the reason without the details of one body). */
  snapshot(): { channel: string; reason: string; count: number }[] {
    return [...this.counts].map(([key, count]) => {
      const [channel, reason] = key.split("\u0000") as [string, string];
      return { channel, reason, count };
    });
  }

  total(channel?: string): number {
    return this.snapshot().filter((d) => !channel || d.channel === channel).reduce((n, d) => n + d.count, 0);
  }
}
