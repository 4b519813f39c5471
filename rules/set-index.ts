// Per-set lookup tables built once and cached by set identity (sets are treated as immutable).
import { questionModule, type QuestionModule } from "./registry.ts";
import type { CompetencyGroup, CriteriaSet, Indicator, Question } from "./types.ts";

export interface QuestionEntry {
  question: Question;
  indicator: Indicator;
  group: CompetencyGroup;
  module: QuestionModule;
  /** Position in set order. */
  index: number;
  indicatorIndex: number;
  groupIndex: number;
  /** Index of the question its showIf refers to when that one comes earlier; -1 otherwise. */
  parent: number;
}

export interface SetIndex {
  entries: QuestionEntry[];
  byId: Map<string, QuestionEntry>;
  indicators: { indicator: Indicator; groupIndex: number; groupId: string }[];
  /** Sum of each group's indicators' maxPoints. */
  groupMax: number[];
  max: number;
}

const indexes = new WeakMap<CriteriaSet, SetIndex>();
const owners = new WeakMap<Question, CriteriaSet>();

function build(set: CriteriaSet): SetIndex {
  const entries: QuestionEntry[] = [];
  const byId = new Map<string, QuestionEntry>();
  const indicators: SetIndex["indicators"] = [];
  const groupMax: number[] = [];
  let max = 0;
  set.groups.forEach((group, groupIndex) => {
    let gmax = 0;
    for (const indicator of group.indicators) {
      const indicatorIndex = indicators.length;
      indicators.push({ indicator, groupIndex, groupId: group.id });
      gmax += indicator.maxPoints;
      for (const question of indicator.questions) {
        const target = question.showIf ? byId.get(question.showIf.question) : undefined;
        const entry: QuestionEntry = {
          question,
          indicator,
          group,
          module: questionModule(question),
          index: entries.length,
          indicatorIndex,
          groupIndex,
          parent: target ? target.index : -1,
        };
        entries.push(entry);
        if (!byId.has(question.id)) byId.set(question.id, entry);
        owners.set(question, set);
      }
    }
    groupMax.push(gmax);
    max += gmax;
  });
  return { entries, byId, indicators, groupMax, max };
}

export function setIndex(set: CriteriaSet): SetIndex {
  let index = indexes.get(set);
  if (!index) {
    index = build(set);
    indexes.set(set, index);
  }
  return index;
}

/** The set a question object was indexed as part of, if any. */
export function ownerOf(question: Question): CriteriaSet | undefined {
  return owners.get(question);
}
