// npm run rules -- validate <set.json>
// npm run rules -- score <set.json> <answers.json>
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { loadCriteriaFile } from "./load-file.ts";
import { score } from "./score.ts";
import type { Answers, LoadOutcome, ScoreResult, SetProblem } from "./types.ts";

const USAGE = `usage:
  npm run rules -- validate <set.json>                 check a criteria set file
  npm run rules -- score <set.json> <answers.json>     score {"answers": {"<questionId>": value}}`;

// npm runs scripts from the package root; resolve paths against the directory the user was in.
const baseDir = process.env.npm_lifecycle_event === "rules" && process.env.INIT_CWD ? process.env.INIT_CWD : process.cwd();

function problemLine(problem: SetProblem): string {
  return problem.path === "" ? problem.message : `${problem.path}: ${problem.message}`;
}

async function validate(file: string): Promise<number> {
  const outcome = await loadCriteriaFile(resolve(baseDir, file));
  if (!outcome.ok) {
    for (const problem of outcome.problems) console.log(problemLine(problem));
    return 1;
  }
  console.log(`ok ${outcome.set.id} ${outcome.set.version} ${outcome.hash}`);
  return 0;
}

async function readAnswers(file: string): Promise<Answers | string> {
  let json: unknown;
  try {
    json = JSON.parse((await readFile(resolve(baseDir, file), "utf8")).replace(/^\uFEFF/, ""));
  } catch (error) {
    return `cannot read answers from ${file}: ${error instanceof Error ? error.message : String(error)}`;
  }
  const answers = typeof json === "object" && json !== null ? (json as { answers?: unknown }).answers : undefined;
  if (typeof answers !== "object" || answers === null || Array.isArray(answers)) {
    return `${file}: expected an object {"answers": {"<questionId>": value, ...}}`;
  }
  return answers as Answers;
}

function report(result: ScoreResult) {
  return {
    verdict: result.verdict,
    total: result.total,
    max: result.max,
    groups: result.groups.map(({ id, points, max }) => ({ id, points, max })),
    indicators: result.indicators.map(({ id, points, max }) => ({ id, points, max })),
    missing: result.missing,
    ignored: result.ignored,
    reasons: result.reasons,
    advice: result.advice,
  };
}

async function scoreFiles(setFile: string, answersFile: string): Promise<number> {
  const outcome: LoadOutcome = await loadCriteriaFile(resolve(baseDir, setFile));
  if (!outcome.ok) {
    for (const problem of outcome.problems) console.error(problemLine(problem));
    return 1;
  }
  const answers = await readAnswers(answersFile);
  if (typeof answers === "string") {
    console.error(answers);
    return 1;
  }
  const scored = score(outcome.set, answers);
  if (!scored.ok) {
    console.log(JSON.stringify({ errors: scored.errors }, null, 2));
    return 1;
  }
  console.log(JSON.stringify(report(scored.result), null, 2));
  return 0;
}

async function main(args: string[]): Promise<number> {
  const [command, ...rest] = args;
  if (command === "--help" || command === "-h" || command === "help") {
    console.log(USAGE);
    return 0;
  }
  if (command === "validate" && rest.length === 1) return validate(rest[0]!);
  if (command === "score" && rest.length === 2) return scoreFiles(rest[0]!, rest[1]!);
  console.error(USAGE);
  return 2;
}

process.exitCode = await main(process.argv.slice(2));
