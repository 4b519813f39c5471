// `npm start`: prepare the checkout, apply migrations, seed demo units into an empty database, then run the server until a signal stops it.
import { spawn } from "node:child_process";
import { prepare, run } from "./prepare.mjs";

prepare();
run("npx", ["tsx", "server/db/migrate-cli.ts"]);
// An empty database gets a few demo units (codes in the README) so that the web chat works at once.
run("npx", ["tsx", "server/db/seed-demo.ts"]);
const child = spawn(process.execPath, ["--import", "tsx", "server/main.ts"], { stdio: "inherit" });
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
