// The zod schema of a criteria set and the conversion of its issues into SetProblems with JSON paths.
import { z } from "zod";
import { idSchema, localTextSchema } from "./schema-base.ts";
import { multiChoiceSchema } from "./questions/multi_choice.ts";
import { numberSchema } from "./questions/number.ts";
import { singleChoiceSchema } from "./questions/single_choice.ts";
import { yesNoSchema } from "./questions/yes_no.ts";
import type { CriteriaSet, Question, SetProblem } from "./types.ts";

export const TARGET_GROUPS = ["worker", "public_servant", "student", "resident"] as const;

export const questionSchema = z.discriminatedUnion("type", [singleChoiceSchema, multiChoiceSchema, numberSchema, yesNoSchema]);

export const indicatorSchema = z.strictObject({
  id: idSchema,
  title: localTextSchema,
  maxPoints: z.number().positive(),
  advice: localTextSchema.optional(),
  questions: z.array(questionSchema).min(1),
});

export const groupSchema = z.strictObject({
  id: idSchema,
  title: localTextSchema,
  indicators: z.array(indicatorSchema).min(1),
});

export const criteriaSetSchema = z.strictObject({
  id: idSchema,
  version: z.string().regex(/^\S{1,32}$/, { error: "must be 1-32 characters without spaces" }),
  targetGroup: z.enum(TARGET_GROUPS),
  title: localTextSchema,
  source: z.strictObject({ text: z.string().min(1), checkedAgainstOfficialText: z.boolean() }),
  rules: z.strictObject({
    minTotal: z.number().min(0),
    minPerIndicator: z.number().min(0).optional(),
    minPerGroup: z.number().min(0).optional(),
  }),
  groups: z.array(groupSchema).min(1),
});

// The schema must produce exactly the contract types of types.ts.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const sameSet: Same<z.output<typeof criteriaSetSchema>, CriteriaSet> = true;
const sameQuestion: Same<z.output<typeof questionSchema>, Question> = true;
void sameSet;
void sameQuestion;

type Key = PropertyKey;

/** `groups[0].indicators[2].questions[1]`; "" for the root. */
export function formatPath(path: readonly Key[]): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else if (typeof key === "string" && /^[A-Za-z_$][\w$]*$/.test(key)) out += out === "" ? key : `.${key}`;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out;
}

function valueAt(root: unknown, path: readonly Key[]): unknown {
  let value = root;
  for (const key of path) {
    if (typeof value !== "object" || value === null) return undefined;
    value = (value as Record<Key, unknown>)[key];
  }
  return value;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value;
}

/** Turns zod issues into problems with precise paths and short messages. */
export function issuesToProblems(issues: readonly z.core.$ZodIssue[], input: unknown): SetProblem[] {
  const problems: SetProblem[] = [];
  for (const issue of issues) {
    const path = issue.path as Key[];
    switch (issue.code) {
      case "unrecognized_keys":
        for (const key of issue.keys) problems.push({ path: formatPath([...path, key]), message: "unknown field" });
        break;
      case "invalid_type": {
        const value = valueAt(input, path);
        const message = value === undefined ? "is required" : `expected ${issue.expected}, got ${describe(value)}`;
        problems.push({ path: formatPath(path), message });
        break;
      }
      case "invalid_union":
        if (issue.discriminator === "type") {
          problems.push({ path: formatPath(path), message: `type must be one of ${questionSchema.options.map((o) => o.shape.type.value).join(", ")}` });
        } else {
          problems.push({ path: formatPath(path), message: issue.message });
        }
        break;
      case "invalid_value":
        problems.push({ path: formatPath(path), message: `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}` });
        break;
      default:
        problems.push({ path: formatPath(path), message: issue.message });
    }
  }
  return problems;
}
