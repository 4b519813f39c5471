// bench/engine: conversation steps per second on one core – the pure engine (parse the stored state,
// step on a citizen's typed answer, render the next question with the real Vietnamese texts), no I/O.
// Run: npm run bench:engine [-- --steps 50000]
import { parseArgs } from "node:util";
import { initialState, parseState, step, type ConversationState } from "../bot/engine/index.ts";
import { createTranslateSync } from "../bot/i18n.ts";
import type { InboundEvent, StepContext } from "../bot/types.ts";
import { loadShippedSets } from "../rules/load-file.ts";
import { catalogOf } from "../server/criteria/catalog.ts";

const { values } = parseArgs({ options: { steps: { type: "string", default: "50000" } } });
const STEPS = Number(values.steps);

const unit = { id: "00000000-0000-0000-0000-000000000001", code: "BENCH", name: "Đơn vị đo" };
const ctx: StepContext = {
  t: createTranslateSync(),
  consentVersion: "bench",
  timeZone: "Asia/Ho_Chi_Minh",
  now: new Date(),
  units: { byCode: (code) => (code === unit.code ? unit : undefined), suggest: () => undefined },
  criteria: catalogOf(await loadShippedSets()),
};

// A citizen of the first target group, standing at the first question.
let state: ConversationState = initialState();
const go = (event: InboundEvent) => (state = step(state, event, ctx).state);
const tap = (action: string) => go({ type: "button", data: `${state.seq.toString(36)}.${action}` });
go({ type: "command", name: "start", arg: `u_${unit.code}` });
tap("c.y");
tap("g.0");
go({ type: "text", text: "Nguyễn Văn Đo" });
go({ type: "text", text: "1980" });
if (state.step.kind !== "question") throw new Error(`expected a question, got ${state.step.kind}`);
const stored = JSON.stringify(state);

const answer: InboundEvent = { type: "text", text: "1" };
for (let i = 0; i < 2_000; i++) step(parseState(JSON.parse(stored)), answer, ctx);
const latencies = new Float64Array(STEPS);
const started = performance.now();
for (let i = 0; i < STEPS; i++) {
  const t0 = performance.now();
  step(parseState(JSON.parse(stored)), answer, ctx);
  latencies[i] = performance.now() - t0;
}
const seconds = (performance.now() - started) / 1000;
latencies.sort();
const us = (p: number) => (latencies[Math.min(STEPS - 1, Math.floor(p * STEPS))]! * 1000).toFixed(0);
console.log(`bench/engine (${STEPS} steps: stored state → answer "1" → next question, Vietnamese texts)`);
console.log(`  ${(STEPS / seconds).toFixed(0)} steps/s on one core   p50 ${us(0.5)} µs   p99 ${us(0.99)} µs`);
