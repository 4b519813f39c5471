// The unit directory the engine consults (codes → units), held in memory and refreshed from
// PostgreSQL when older than maxAgeMs: a province has thousands of units, not millions.
import type pg from "pg";
import { matchUnitsByName } from "../../bot/engine/text.ts";
import type { UnitDirectory, UnitInfo } from "../../bot/types.ts";

export function normaliseCode(code: string): string {
  return code.trim().toUpperCase();
}

/** Levenshtein distance, stopping early once it exceeds max. */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      cur.push(v);
      best = Math.min(best, v);
    }
    if (best > max) return max + 1;
    prev = cur;
  }
  return prev[b.length]!;
}

export function directoryOf(units: UnitInfo[]): UnitDirectory {
  const byCode = new Map(units.map((u) => [normaliseCode(u.code), u]));
  return {
    byCode: (code) => byCode.get(normaliseCode(code)),
    suggest(code) {
      const wanted = normaliseCode(code);
      if (wanted.length < 2) return undefined;
      const max = wanted.length <= 4 ? 1 : 2;
      let best: { unit: UnitInfo; d: number } | undefined;
      for (const [c, unit] of byCode) {
        const d = editDistance(wanted, c, max);
        if (d <= max && (!best || d < best.d || (d === best.d && c < best.unit.code))) best = { unit, d };
      }
      return best?.unit;
    },
    byName: (text) => matchUnitsByName(units, text),
  };
}

export class CachedUnitDirectory {
  private current: UnitDirectory = directoryOf([]);
  private loadedAt = 0;
  private loading: Promise<void> | undefined;

  constructor(
    private readonly pool: pg.Pool,
    private readonly maxAgeMs = 5_000,
  ) {}

  /** The directory, refreshed first when stale. */
  async get(): Promise<UnitDirectory> {
    if (Date.now() - this.loadedAt > this.maxAgeMs) await this.refresh();
    return this.current;
  }

  refresh(): Promise<void> {
    this.loading ??= (async () => {
      try {
        const { rows } = await this.pool.query<UnitInfo>(`SELECT id, code, name FROM units`);
        this.current = directoryOf(rows);
        this.loadedAt = Date.now();
      } finally {
        this.loading = undefined;
      }
    })();
    return this.loading;
  }
}
