// `npm start`: prepare the checkout, apply migrations, then run the server until a signal stops it.
import { spawn } from "node:child_process";
import { prepare, run } from "./prepare.mjs";

prepare();
run("npx", ["tsx", "server/db/migrate-cli.ts"]);
const child = spawn(process.execPath, ["--import", "tsx", "server/main.ts"], { stdio: "inherit" });
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
