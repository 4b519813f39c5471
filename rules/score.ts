// Scoring one assessment: validate every answer, work out visibility, add points up, decide the verdict.
import { setIndex, type SetIndex } from "./set-index.ts";
import { computeVisibility } from "./visibility.ts";
import type { AnswerError, AnswerValue, Answers, CriteriaSet, Indicator, Reason, ScoreOutcome, ScoreResult, Verdict } from "./types.ts";

// Scratch buffers reused across calls (scoring is synchronous, so never shared by two calls at once).
let visibleBuf = new Uint8Array(64);
let valuesBuf: (AnswerValue | undefined)[] = [];
let indicatorBuf = new Float64Array(16);
let groupBuf = new Float64Array(8);

/** Sums of fractional points are rounded to 6 decimals so that 0.7 + 0.1 reaches a 0.8 threshold. */
function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

/** Every invalid answer at once, in the order of the answers' keys; null when all are valid. */
export function answerErrors(index: SetIndex, answers: Answers): AnswerError[] | null {
  let errors: AnswerError[] | null = null;
  for (const questionId in answers) {
    if (!Object.hasOwn(answers, questionId)) continue;
    const value: unknown = answers[questionId];
    if (value === undefined) continue; // same as unanswered
    const entry = index.byId.get(questionId);
    const code = entry === undefined ? "unknown_question" : entry.module.validate(entry.question, value);
    if (code !== null) (errors ??= []).push({ questionId, code });
  }
  return errors;
}

/**
 * The fast path: puts each answer at its question's set position in `values` (which must hold only
 * undefined) and returns true when every answer is valid and belongs to a question. False means
 * answerErrors must have a look.
 */
function collect(index: SetIndex, answers: Answers, values: (AnswerValue | undefined)[]): boolean {
  const byId = index.byId;
  for (const key in answers) {
    const entry = byId.get(key);
    if (!Object.hasOwn(answers, key)) continue;
    const value = answers[key];
    if (value === undefined) continue; // same as unanswered
    if (entry === undefined || entry.module.validate(entry.question, value) !== null) return false;
    values[entry.index] = value;
  }
  return true;
}

export function score(set: CriteriaSet, answers: Answers): ScoreOutcome {
  const index = setIndex(set);
  const given: Answers = typeof answers === "object" && answers !== null ? answers : {};
  const { entries, indicators: indicatorList, groupMax } = index;
  const groupCount = set.groups.length;
  if (visibleBuf.length < entries.length) {
    visibleBuf = new Uint8Array(entries.length * 2);
  }
  if (indicatorBuf.length < indicatorList.length) indicatorBuf = new Float64Array(indicatorList.length * 2);
  if (groupBuf.length < groupCount) groupBuf = new Float64Array(groupCount * 2);
  if (valuesBuf.length < entries.length) valuesBuf = new Array<AnswerValue | undefined>(entries.length * 2).fill(undefined);
  const values = valuesBuf;
  values.fill(undefined, 0, entries.length);
  if (!collect(index, given, values)) {
    const errors = answerErrors(index, given);
    if (errors !== null) return { ok: false, errors };
  }
  const visible = visibleBuf;
  const sums = indicatorBuf;
  sums.fill(0, 0, indicatorList.length);
  computeVisibility(index, values, given, visible);

  let missing: string[] = EMPTY;
  let ignored: string[] = EMPTY;
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i]!;
    const value = values[i];
    if (visible[i] === 0) {
      if (value !== undefined) (ignored === EMPTY ? (ignored = []) : ignored).push(entry.question.id);
    } else if (value !== undefined) {
      sums[entry.indicatorIndex]! += entry.module.points(entry.question, value);
    } else if (entry.question.required) {
      (missing === EMPTY ? (missing = []) : missing).push(entry.question.id);
    }
  }
  if (missing === EMPTY) missing = [];
  if (ignored === EMPTY) ignored = [];

  const rules = set.rules;
  const groupPoints = groupBuf;
  groupPoints.fill(0, 0, groupCount);
  const indicators: ScoreResult["indicators"] = [];
  for (let k = 0; k < indicatorList.length; k++) {
    const { indicator, groupIndex, groupId } = indicatorList[k]!;
    const points = round(Math.min(indicator.maxPoints, sums[k]!));
    groupPoints[groupIndex]! += points;
    indicators.push({ id: indicator.id, groupId, points, max: indicator.maxPoints });
  }
  let total = 0;
  const groups: ScoreResult["groups"] = [];
  for (let g = 0; g < groupCount; g++) {
    const points = round(groupPoints[g]!);
    total += points;
    groups.push({ id: set.groups[g]!.id, points, max: groupMax[g]! });
  }
  total = round(total);

  const reasons: Reason[] = [];
  const advice: ScoreResult["advice"] = [];
  let verdict: Verdict = "incomplete";
  if (missing.length === 0) {
    if (total < rules.minTotal) reasons.push({ code: "total_below_min", total, min: rules.minTotal });
    const minPerIndicator = rules.minPerIndicator;
    for (let k = 0; k < indicators.length; k++) {
      const points = indicators[k]!.points;
      const indicator = indicatorList[k]!.indicator;
      if (minPerIndicator !== undefined && points < minPerIndicator) {
        reasons.push({ code: "indicator_below_min", indicatorId: indicator.id, points, min: minPerIndicator });
      }
      if (indicator.advice !== undefined && points < (minPerIndicator ?? indicator.maxPoints / 2)) {
        advice.push({ indicatorId: indicator.id, text: indicator.advice });
      }
    }
    const minPerGroup = rules.minPerGroup;
    if (minPerGroup !== undefined) {
      for (const { id, points } of groups) {
        if (points < minPerGroup) reasons.push({ code: "group_below_min", groupId: id, points, min: minPerGroup });
      }
    }
    verdict = reasons.length === 0 ? "dat" : "chua_dat";
  }
  return { ok: true, result: { verdict, total, max: index.max, groups, indicators, missing, ignored, reasons, advice } };
}

const EMPTY: string[] = [];

/** The indicators below minPerIndicator (or below half their maxPoints when no minimum is set), in set order. */
export function lowIndicators(set: CriteriaSet, result: ScoreResult): Indicator[] {
  const points = new Map(result.indicators.map((row) => [row.id, row.points]));
  const out: Indicator[] = [];
  for (const { indicator } of setIndex(set).indicators) {
    const got = points.get(indicator.id);
    if (got !== undefined && got < (set.rules.minPerIndicator ?? indicator.maxPoints / 2)) out.push(indicator);
  }
  return out;
}
