// bench/broadcast: campaign figures. Parts:
//   materialise – 1,000,000 recipients materialised and queued (bench/broadcast/materialise.ts)
//   drain       – a 50,000-message round delivered against the fake Bot API at a raised cap (drain.ts)
// Run: npm run bench:broadcast -- <part> [options]
import { benchDrain } from "./broadcast/drain.ts";
import { benchMaterialise } from "./broadcast/materialise.ts";

const [part = "materialise", ...rest] = process.argv.slice(2);
const PARTS: Record<string, (argv: string[]) => Promise<void>> = { materialise: benchMaterialise, drain: benchDrain };
const run = PARTS[part];
if (!run) {
  console.error(`usage: npm run bench:broadcast -- ${Object.keys(PARTS).join("|")} [options]`);
  process.exitCode = 2;
} else {
  await run(rest);
}
