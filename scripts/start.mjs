// `npm start`: prepare the checkout, apply migrations, seed demo units into an empty database, then run the server until a signal stops it.
//
// npm runs this script through `sh -c`, and a SIGTERM sent to npm ends npm and that shell without
// reaching us. So the server is stopped when this script's parent goes away (checked twice a second),
// and the server itself stops when this script goes away (its IPC channel closes).
import { spawn } from "node:child_process";
import { prepare, run } from "./prepare.mjs";

prepare();
run("npx", ["tsx", "server/db/migrate-cli.ts"]);
// An empty database gets a few demo units (codes in the README) so that the web chat works at once.
run("npx", ["tsx", "server/db/seed-demo.ts"]);
const child = spawn(process.execPath, ["--import", "tsx", "server/main.ts"], { stdio: ["inherit", "inherit", "inherit", "ipc"] });
let stopping = false;
function stop(signal) {
  if (stopping) return;
  stopping = true;
  child.kill(signal);
}
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(signal, () => stop(signal));
const parent = process.ppid;
const watch = setInterval(() => {
  if (process.ppid !== parent) stop("SIGTERM");
}, 500);
child.on("exit", (code, signal) => {
  clearInterval(watch);
  process.exit(code ?? (signal ? 1 : 0));
});
