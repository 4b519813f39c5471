// npm run bench:rules [-- <set id, e.g. cdht-student> [seconds]]
// Scores pre-generated random valid answer maps in a loop on one core and prints the throughput.
import { loadShippedSets } from "../rules/load-file.ts";
import { allQuestions, score } from "../rules/index.ts";
import type { AnswerValue, Answers, Question } from "../rules/index.ts";

const setId = process.argv[2] ?? "cdht-worker";
const seconds = Number(process.argv[3] ?? 3);
const MAPS = 10_000;

// mulberry32: a small deterministic PRNG, so that runs are comparable.
let seed = 0x5eed;
function random(): number {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

function randomValue(question: Question): AnswerValue {
  switch (question.type) {
    case "single_choice":
      return pick(question.options).id;
    case "multi_choice":
      return question.options.filter(() => random() < 0.5).map((o) => o.id);
    case "number": {
      const value = question.min + random() * (question.max - question.min);
      return question.integer ? Math.round(value) : value;
    }
    case "yes_no":
      return random() < 0.5;
  }
}

const sets = await loadShippedSets();
const set = sets.find((s) => s.id === setId);
if (set === undefined) {
  console.error(`unknown set ${setId}; shipped: ${sets.map((s) => s.id).join(", ")}`);
  process.exit(2);
}
const questions = allQuestions(set).map((e) => e.question);
const maps: Answers[] = [];
for (let i = 0; i < MAPS; i++) {
  const answers: Answers = {};
  for (const q of questions) if (random() < 0.95) answers[q.id] = randomValue(q);
  maps.push(answers);
}

let sink = 0;
function run(n: number): void {
  for (let i = 0; i < n; i++) {
    const outcome = score(set!, maps[i % MAPS]!);
    if (outcome.ok) sink += outcome.result.total;
  }
}

run(50_000); // warm up the JIT

// Wall-clock deadline; the rate is per second of this process's CPU time, so that other load on the
// machine does not distort it (the loop is single-threaded: one core).
const deadline = performance.now() + seconds * 1000;
let calls = 0;
const start = performance.now();
const cpuStart = process.cpuUsage();
while (performance.now() < deadline) {
  run(MAPS);
  calls += MAPS;
}
const cpu = process.cpuUsage(cpuStart);
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
const elapsed = (performance.now() - start) / 1000;

// Per-call latency on a sample (timer overhead included).
const samples = new Float64Array(100_000);
for (let i = 0; i < samples.length; i++) {
  const t0 = process.hrtime.bigint();
  const outcome = score(set, maps[i % MAPS]!);
  samples[i] = Number(process.hrtime.bigint() - t0) / 1000;
  if (outcome.ok) sink += outcome.result.total;
}
samples.sort();
const quantile = (q: number) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))]!.toFixed(2);

console.log(`rules.score: ${Math.round(calls / cpuSeconds).toLocaleString("en-US")} assessments/s (set ${set.id})`);
console.log(
  `rules.score: p50 ${quantile(0.5)} µs, p99 ${quantile(0.99)} µs per call; ${questions.length} questions, ` +
    `${calls.toLocaleString("en-US")} calls in ${cpuSeconds.toFixed(2)} s CPU / ${elapsed.toFixed(2)} s wall ` +
    `(${Math.round(calls / elapsed).toLocaleString("en-US")}/s wall), checksum ${sink % 1000}`,
);
