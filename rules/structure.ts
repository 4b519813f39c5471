// Checks across the whole set that zod cannot express: unique ids, showIf references, per-type rules,
// reachable thresholds. They run on the raw JSON, even when zod found problems, so that every problem
// of a file is reported at once; each check skips parts whose shape is wrong (zod reports those).
import { QUESTION_TYPES } from "./registry.ts";
import { duplicateIds, isRecord } from "./questions/module.ts";
import { questionSchema } from "./schema.ts";
import type { AnswerValue, Question, SetProblem } from "./types.ts";

interface RawQuestion {
  raw: Record<string, unknown>;
  path: string;
}

function records(value: unknown, path: string): RawQuestion[] {
  if (!Array.isArray(value)) return [];
  const out: RawQuestion[] = [];
  value.forEach((raw, i) => {
    if (isRecord(raw)) out.push({ raw, path: `${path}[${i}]` });
  });
  return out;
}

function uniqueAcrossSet(items: RawQuestion[], what: string, problems: SetProblem[]): Map<string, number> {
  const first = new Map<string, number>();
  items.forEach(({ raw, path }, i) => {
    if (typeof raw.id !== "string") return;
    const seen = first.get(raw.id);
    if (seen === undefined) first.set(raw.id, i);
    else problems.push({ path: `${path}.id`, message: `duplicate ${what} id "${raw.id}" (first at ${items[seen]!.path}.id)` });
  });
  return first;
}

function checkShowIf(questions: RawQuestion[], firstById: Map<string, number>, problems: SetProblem[]): void {
  questions.forEach(({ raw, path }, position) => {
    const showIf = raw.showIf;
    if (!isRecord(showIf) || typeof showIf.question !== "string") return;
    const targetPosition = firstById.get(showIf.question);
    if (targetPosition === undefined) {
      problems.push({ path: `${path}.showIf.question`, message: `refers to unknown question "${showIf.question}"` });
      return;
    }
    const target = questions[targetPosition]!;
    if (targetPosition >= position) {
      problems.push({ path: `${path}.showIf.question`, message: `must refer to a question that comes earlier in the set; "${showIf.question}" is at ${target.path}` });
      return;
    }
    const parsed = questionSchema.safeParse(target.raw);
    if (!parsed.success) return; // its own problems are reported where it is
    const question: Question = parsed.data;
    const check = (value: unknown, at: string) => {
      const code = QUESTION_TYPES[question.type].validate(question as never, value as AnswerValue);
      if (code !== null) problems.push({ path: at, message: `${JSON.stringify(value)} is not a valid answer to "${question.id}" (${code})` });
    };
    if ("equals" in showIf) check(showIf.equals, `${path}.showIf.equals`);
    if (Array.isArray(showIf.in)) showIf.in.forEach((value, k) => check(value, `${path}.showIf.in[${k}]`));
  });
}

function checkRules(root: Record<string, unknown>, groups: RawQuestion[], problems: SetProblem[]): void {
  const rules = root.rules;
  if (!isRecord(rules)) return;
  let total = 0;
  const groupMax: { path: string; max: number }[] = [];
  const indicatorMax: { path: string; max: number }[] = [];
  if (groups.length === 0) return; // zod reports it
  for (const group of groups) {
    let max = 0;
    const indicators = records(group.raw.indicators, `${group.path}.indicators`);
    if (indicators.length === 0) return;
    for (const indicator of indicators) {
      // zod reports a missing or non-positive maxPoints; the thresholds cannot be judged then.
      if (typeof indicator.raw.maxPoints !== "number" || !(indicator.raw.maxPoints > 0)) return;
      max += indicator.raw.maxPoints;
      indicatorMax.push({ path: indicator.path, max: indicator.raw.maxPoints });
    }
    groupMax.push({ path: group.path, max });
    total += max;
  }
  if (typeof rules.minTotal === "number" && rules.minTotal > total) {
    problems.push({ path: "rules.minTotal", message: `minTotal (${rules.minTotal}) is above the highest possible total (${total})` });
  }
  const perIndicator = rules.minPerIndicator;
  if (typeof perIndicator === "number") {
    for (const { path, max } of indicatorMax) {
      if (perIndicator > max) problems.push({ path: "rules.minPerIndicator", message: `minPerIndicator (${perIndicator}) is above the maxPoints of ${path} (${max})` });
    }
  }
  const perGroup = rules.minPerGroup;
  if (typeof perGroup === "number") {
    for (const { path, max } of groupMax) {
      if (perGroup > max) problems.push({ path: "rules.minPerGroup", message: `minPerGroup (${perGroup}) is above the highest possible points of ${path} (${max})` });
    }
  }
}

/** Every structural problem of the raw JSON of a criteria set. */
export function structureProblems(root: unknown): SetProblem[] {
  if (!isRecord(root)) return [];
  const problems: SetProblem[] = [...duplicateIds(root.groups, "groups", "group")];
  const groups = records(root.groups, "groups");
  const indicators = groups.flatMap((group) => records(group.raw.indicators, `${group.path}.indicators`));
  uniqueAcrossSet(indicators, "indicator", problems);
  const questions = indicators.flatMap((indicator) => records(indicator.raw.questions, `${indicator.path}.questions`));
  const firstById = uniqueAcrossSet(questions, "question", problems);
  for (const { raw, path } of questions) {
    if (typeof raw.type === "string" && Object.hasOwn(QUESTION_TYPES, raw.type)) {
      problems.push(...QUESTION_TYPES[raw.type as Question["type"]].checkStructure(raw, path));
    }
  }
  checkShowIf(questions, firstById, problems);
  checkRules(root, groups, problems);
  return problems;
}
