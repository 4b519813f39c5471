// The campaign effect as a chart (ECharts, server-side SVG; PNG through resvg like the others): per unit,
// the share that started and that submitted within the window, messaged against not messaged.
import type { Lang } from "../../bot/types.ts";
import { adminT } from "../dashboard/i18n.ts";
import type { UnitEffect } from "../reports/campaign-effect.ts";
import { renderChart } from "./render.ts";

const MAX_UNITS = 30;
const pct = (x: number | null) => (x === null ? 0 : Math.round(x * 1000) / 10);

export function effectChartSvg(units: UnitEffect[], lang: Lang, title: string): Promise<string> {
  const shown = units.slice(0, MAX_UNITS);
  const height = Math.max(260, 110 + shown.length * 64);
  const bar = (name: string, color: string, value: (u: UnitEffect) => number | null) => ({
    name, type: "bar" as const, itemStyle: { color }, data: shown.map((u) => pct(value(u))), label: { show: true, position: "right" as const, formatter: "{c}%", fontSize: 10 },
  });
  return renderChart(
    {
      title: { text: title, left: "center", textStyle: { fontSize: 15 } },
      // Two rows: the server measures text narrower than DejaVu Sans prints it.
      legend: { top: 34, width: 520, itemGap: 24 },
      grid: { left: 10, right: 50, top: 100, bottom: 20, containLabel: true },
      xAxis: { type: "value", max: 100, axisLabel: { formatter: "{value}%" } },
      yAxis: { type: "category", inverse: true, data: shown.map((u) => (u.name.length > 28 ? `${u.name.slice(0, 27)}…` : u.name)) },
      series: [
        bar(adminT(lang, "effect.chart_started_messaged"), "#1565c0", (u) => u.messaged.startedShare),
        bar(adminT(lang, "effect.chart_started_other"), "#90caf9", (u) => u.notMessaged.startedShare),
        bar(adminT(lang, "effect.chart_submitted_messaged"), "#2e7d32", (u) => u.messaged.submittedShare),
        bar(adminT(lang, "effect.chart_submitted_other"), "#a5d6a7", (u) => u.notMessaged.submittedShare),
      ],
    },
    720,
    height,
  );
}
