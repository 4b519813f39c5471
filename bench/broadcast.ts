// bench/broadcast: campaign figures. Parts:
//   materialise – 1,000,000 recipients materialised and queued (bench/broadcast/materialise.ts)
// Run: npm run bench:broadcast -- <part> [options]
import { benchMaterialise } from "./broadcast/materialise.ts";

const [part = "materialise", ...rest] = process.argv.slice(2);
const PARTS: Record<string, (argv: string[]) => Promise<void>> = { materialise: benchMaterialise };
const run = PARTS[part];
if (!run) {
  console.error(`usage: npm run bench:broadcast -- ${Object.keys(PARTS).join("|")} [options]`);
  process.exitCode = 2;
} else {
  await run(rest);
}
