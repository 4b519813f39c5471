// Charts rendered on the server: Apache ECharts in its server-side SVG mode (no DOM), rasterised to
// PNG with resvg for chats and small screens. Units against their target, and weekly progress.
import type * as Echarts from "echarts";
import type { Lang } from "../../bot/types.ts";
import { adminT } from "../dashboard/i18n.ts";
import type { UnitReport, WeekPoint } from "../reports/store.ts";
import { svgToPng } from "../units/poster.ts";

const FONT = "DejaVu Sans, Arial, sans-serif";
const MAX_UNITS = 40;

// ECharts is loaded on first use: importing it takes seconds, which every process start would pay.
let loading: Promise<typeof Echarts> | undefined;
const loadEcharts = () => (loading ??= import("echarts"));

/** Renders an option as SVG (also used by the campaign effect chart, effect.ts). */
export async function renderChart(option: Echarts.EChartsOption, width: number, height: number): Promise<string> {
  const echarts = await loadEcharts();
  const chart = echarts.init(null, null, { renderer: "svg", ssr: true, width, height });
  try {
    chart.setOption({ animation: false, textStyle: { fontFamily: FONT }, backgroundColor: "#ffffff", ...option });
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

const pct = (x: number | null) => (x === null ? 0 : Math.round(x * 1000) / 10);

/** The units' share confirmed against their target (the units directly below the report's root). */
export function targetsChartSvg(units: UnitReport[], lang: Lang, title: string): Promise<string> {
  const shown = units.slice(0, MAX_UNITS);
  const height = Math.max(240, 90 + shown.length * 28);
  return renderChart(
    {
      title: { text: title, left: "center", textStyle: { fontSize: 15 } },
      legend: { top: 34, data: [adminT(lang, "chart.share"), adminT(lang, "chart.target")] },
      grid: { left: 10, right: 40, top: 70, bottom: 20, containLabel: true },
      xAxis: { type: "value", max: 100, axisLabel: { formatter: "{value}%" } },
      yAxis: { type: "category", inverse: true, data: shown.map((u) => (u.name.length > 28 ? `${u.name.slice(0, 27)}…` : u.name)) },
      series: [
        {
          name: adminT(lang, "chart.share"),
          type: "bar",
          data: shown.map((u) => ({ value: pct(u.share), itemStyle: { color: u.meetsTarget === false ? "#d9822b" : "#2e7d32" } })),
          label: { show: true, position: "right", formatter: "{c}%" },
        },
        {
          name: adminT(lang, "chart.target"),
          type: "scatter",
          symbol: "rect",
          symbolSize: [4, 22],
          itemStyle: { color: "#1f4e79" },
          data: shown.map((u) => (u.targetPercent === null ? null : u.targetPercent)),
        },
      ],
    },
    720,
    height,
  );
}

/** Submissions and confirmations per week (bars) and their running totals (lines). */
export function weeklyChartSvg(weeks: WeekPoint[], lang: Lang, title: string): Promise<string> {
  return renderChart(
    {
      title: { text: title, left: "center", textStyle: { fontSize: 15 } },
      legend: { top: 34 },
      grid: { left: 10, right: 20, top: 80, bottom: 20, containLabel: true },
      xAxis: { type: "category", data: weeks.map((w) => w.week.slice(5)) },
      yAxis: [{ type: "value" }, { type: "value", splitLine: { show: false } }],
      series: [
        { name: adminT(lang, "chart.submitted_week"), type: "bar", data: weeks.map((w) => w.submitted), itemStyle: { color: "#90caf9" } },
        { name: adminT(lang, "chart.confirmed_week"), type: "bar", data: weeks.map((w) => w.confirmed), itemStyle: { color: "#a5d6a7" } },
        { name: adminT(lang, "chart.submitted_total"), type: "line", yAxisIndex: 1, data: weeks.map((w) => w.cumulativeSubmitted), itemStyle: { color: "#1565c0" } },
        { name: adminT(lang, "chart.confirmed_total"), type: "line", yAxisIndex: 1, data: weeks.map((w) => w.cumulativeConfirmed), itemStyle: { color: "#2e7d32" } },
      ],
    },
    720,
    360,
  );
}

export const chartPng = (svg: string) => svgToPng(svg, 1440);
