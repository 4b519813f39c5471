// `npm test`: prepare the checkout, type-check everything, then run the whole Vitest suite against the
// local PostgreSQL and Redis (each run in its own database and key prefix) and Debian's chromium.
import { prepare, prepareBrowser, run } from "./prepare.mjs";

prepare();
prepareBrowser();
run("npx", ["tsc", "--noEmit", "-p", "tsconfig.json"]);
run("npx", ["vitest", "run", ...process.argv.slice(2)]);
