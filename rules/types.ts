// The public contract of the rules module: the shape of a criteria set, of answers and of a score.
// The zod schema in schema.ts must produce exactly these types (see rules/README.md).

/** Every user-facing text of a criteria set: Vietnamese required, English optional. */
export interface LocalText {
  vi: string;
  en?: string;
}

export type AnswerValue = string | string[] | number | boolean;
export type Answers = Record<string, AnswerValue>;

export type ShowIf =
  | { question: string; equals: AnswerValue }
  | { question: string; in: AnswerValue[] };

interface QuestionBase {
  id: string;
  prompt: LocalText;
  help?: LocalText;
  /** Defaults to true after parsing. */
  required: boolean;
  showIf?: ShowIf;
  /** The citizen may attach a photo or file as evidence for this answer. */
  evidence?: boolean;
}

export interface ChoiceOption {
  id: string;
  label: LocalText;
  points: number;
}

export interface SingleChoiceQuestion extends QuestionBase {
  type: "single_choice";
  options: ChoiceOption[];
}

export interface MultiChoiceQuestion extends QuestionBase {
  type: "multi_choice";
  options: ChoiceOption[];
  maxPoints?: number;
}

export interface NumberBand {
  min: number;
  points: number;
}

export interface NumberQuestion extends QuestionBase {
  type: "number";
  min: number;
  max: number;
  integer?: boolean;
  /** Unit shown after the number, e.g. { vi: "giờ", en: "hours" }. */
  unit?: LocalText;
  bands: NumberBand[];
}

export interface YesNoQuestion extends QuestionBase {
  type: "yes_no";
  yesPoints: number;
  noPoints: number;
}

export type Question = SingleChoiceQuestion | MultiChoiceQuestion | NumberQuestion | YesNoQuestion;
export type QuestionType = Question["type"];

export interface Indicator {
  id: string;
  title: LocalText;
  maxPoints: number;
  advice?: LocalText;
  questions: Question[];
}

export interface CompetencyGroup {
  id: string;
  title: LocalText;
  indicators: Indicator[];
}

export type TargetGroup = "worker" | "public_servant" | "student" | "resident";

export interface CriteriaSet {
  id: string;
  version: string;
  targetGroup: TargetGroup;
  title: LocalText;
  source: { text: string; checkedAgainstOfficialText: boolean };
  rules: { minTotal: number; minPerIndicator?: number; minPerGroup?: number };
  groups: CompetencyGroup[];
}

export type AnswerErrorCode = "unknown_question" | "unknown_option" | "wrong_type" | "out_of_range";
export interface AnswerError {
  questionId: string;
  code: AnswerErrorCode;
}

export type Verdict = "dat" | "chua_dat" | "incomplete";

export type Reason =
  | { code: "total_below_min"; total: number; min: number }
  | { code: "indicator_below_min"; indicatorId: string; points: number; min: number }
  | { code: "group_below_min"; groupId: string; points: number; min: number };

export interface ScoreResult {
  verdict: Verdict;
  total: number;
  max: number;
  groups: { id: string; points: number; max: number }[];
  indicators: { id: string; groupId: string; points: number; max: number }[];
  missing: string[];
  ignored: string[];
  reasons: Reason[];
  /** Advice of every indicator below minPerIndicator (or below half its max when no minimum is set). */
  advice: { indicatorId: string; text: LocalText }[];
}

export type ScoreOutcome = { ok: true; result: ScoreResult } | { ok: false; errors: AnswerError[] };

/** A problem found while loading a criteria set: a JSON path like "groups[0].indicators[2].maxPoints". */
export interface SetProblem {
  path: string;
  message: string;
}
export type LoadOutcome = { ok: true; set: CriteriaSet; hash: string } | { ok: false; problems: SetProblem[] };
