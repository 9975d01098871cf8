/**
 * The one stylesheet, served as a hashed asset. Colours are variables so the dark theme (the
 * reader's prefers-color-scheme) only swaps them; every text colour keeps 4.5:1 contrast on its
 * background in both themes (axe checks it).
 */
export const STYLESHEET = `
:root {
  color-scheme: light dark;
  --bg: #ffffff; --fg: #1b1f24; --muted: #4f5864; --line: #d4d9df; --panel: #f4f6f8; --link: #0b57b5;
  --accent: #0b57b5; --ok: #1d6b36; --warn: #8a5300; --bad: #b3261e; --focus: #f0a500;
  --lane: #f7f8fa; --lane-alt: #eef1f4;
  --sig-error_rate: #c4352b; --sig-latency: #b86e00; --sig-load_imbalance: #6b4bc4; --sig-saturation: #a1478e;
  --sig-availability: #1f6fb8; --sig-other: #5d6b78; --change: #137a6b; --person: #1d4ed8; --dead: #b3261e;
  font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #111418; --fg: #e6e9ed; --muted: #a9b2bd; --line: #39414b; --panel: #1b2027; --link: #8ab8ff;
    --accent: #8ab8ff; --ok: #6fd08c; --warn: #f2b65a; --bad: #ff8a80; --lane: #171b21; --lane-alt: #1d222a;
    --sig-error_rate: #ff7b72; --sig-latency: #f2b65a; --sig-load_imbalance: #b69cff; --sig-saturation: #f08bd9;
    --sig-availability: #79b8ff; --sig-other: #9aa6b2; --change: #4fd1b8; --person: #8ab8ff; --dead: #ff8a80;
  }
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg); }
a { color: var(--link); }
a:focus-visible, button:focus-visible, input:focus-visible, select:focus-visible, textarea:focus-visible,
tr:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
.skip { position: absolute; left: -999px; }
.skip:focus { left: 8px; top: 8px; background: var(--bg); padding: 4px 8px; z-index: 10; }
header.top { display: flex; flex-wrap: wrap; gap: 8px 20px; align-items: center; padding: 10px 16px;
  border-bottom: 1px solid var(--line); background: var(--panel); }
header.top .brand { font-weight: 700; font-size: 17px; color: var(--fg); text-decoration: none; }
header.top nav { display: flex; gap: 14px; flex-wrap: wrap; }
header.top .who { margin-left: auto; color: var(--muted); display: flex; gap: 10px; align-items: center; flex-wrap: wrap; }
main { padding: 14px 16px 40px; max-width: 1280px; margin: 0 auto; }
h1 { font-size: 22px; margin: 6px 0 10px; }
h2 { font-size: 18px; margin: 26px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
h3 { font-size: 16px; margin: 16px 0 6px; }
.muted { color: var(--muted); }
.zone { color: var(--muted); font-size: 0.85em; white-space: nowrap; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-weight: 600; background: var(--panel); }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.scroll { overflow-x: auto; }
tr.row:hover { background: var(--panel); }
tr.row.unacked td:first-child { box-shadow: inset 4px 0 0 var(--bad); }
.badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 0.85em; font-weight: 600;
  border: 1px solid currentColor; white-space: nowrap; }
.status-open { color: var(--bad); } .status-resolving { color: var(--warn); }
.status-resolved { color: var(--ok); } .status-closed { color: var(--muted); }
.sev-critical { color: var(--bad); } .sev-warning { color: var(--warn); } .sev-info { color: var(--accent); }
form.filters { display: flex; flex-wrap: wrap; gap: 8px 14px; align-items: end; margin: 8px 0 14px; }
label { display: flex; flex-direction: column; gap: 2px; font-size: 0.9em; color: var(--fg); }
input, select, textarea, button { font: inherit; color: var(--fg); background: var(--bg); border: 1px solid var(--muted);
  border-radius: 4px; padding: 5px 8px; }
button { cursor: pointer; background: var(--panel); }
button.primary { background: var(--accent); color: var(--bg); border-color: var(--accent); font-weight: 600; }
.facts { display: grid; grid-template-columns: repeat(auto-fill, minmax(220px, 1fr)); gap: 6px 16px; margin: 8px 0; }
.facts div { background: var(--panel); padding: 6px 10px; border-radius: 6px; }
.facts dt { font-size: 0.82em; color: var(--muted); }
.facts dd { margin: 0; font-variant-numeric: tabular-nums; }
.grid2 { display: grid; grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); gap: 18px; }
@media (max-width: 820px) { .grid2 { grid-template-columns: 1fr; } main { padding: 10px 8px 30px; } }
.timeline-box { border: 1px solid var(--line); border-radius: 6px; overflow-x: auto; }
.timeline { display: block; width: 100%; min-width: 640px; height: auto; }
.tl-controls { display: flex; gap: 6px; margin: 6px 0; flex-wrap: wrap; align-items: center; }
.tl-bg { fill: var(--bg); }
.tl-lane { fill: var(--lane); stroke: var(--line); stroke-width: 0.5; }
.tl-label { fill: var(--fg); font-size: 12px; font-weight: 600; }
.tl-detail, .tl-tick { fill: var(--muted); font-size: 11px; }
.tl-grid { stroke: var(--line); stroke-width: 1; }
.tl-axis { stroke: var(--muted); }
.tl-alert rect { fill: var(--sig-other); }
.tl-alert.tl-open rect { stroke: var(--fg); stroke-dasharray: 4 3; }
.sig-error_rate rect { fill: var(--sig-error_rate); } .sig-latency rect { fill: var(--sig-latency); }
.sig-load_imbalance rect { fill: var(--sig-load_imbalance); } .sig-saturation rect { fill: var(--sig-saturation); }
.sig-availability rect { fill: var(--sig-availability); }
.tl-change path { fill: var(--change); } .tl-person path { fill: var(--person); }
.tl-dead-label { fill: var(--dead); font-size: 11px; font-weight: 600; }
.tl-dead-end path { stroke: var(--dead); stroke-width: 3; fill: none; stroke-dasharray: 6 3; }
.tl-moment line { stroke: var(--fg); stroke-width: 1; stroke-dasharray: 2 3; }
.tl-moment text { fill: var(--fg); font-size: 11px; }
.legend { display: flex; flex-wrap: wrap; gap: 4px 14px; font-size: 0.85em; color: var(--muted); margin: 4px 0; }
.swatch { display: inline-block; width: 12px; height: 12px; border-radius: 2px; vertical-align: -1px; margin-right: 4px; }
.sw-change { background: var(--change); } .sw-person { background: var(--person); } .sw-dead { background: var(--dead); }
.sw-error_rate { background: var(--sig-error_rate); } .sw-latency { background: var(--sig-latency); }
.sw-load_imbalance { background: var(--sig-load_imbalance); } .sw-saturation { background: var(--sig-saturation); }
.sw-availability { background: var(--sig-availability); } .sw-other { background: var(--sig-other); }
.entry-form { display: grid; grid-template-columns: repeat(auto-fill, minmax(200px, 1fr)); gap: 10px 14px;
  background: var(--panel); padding: 12px; border-radius: 6px; }
.entry-form .wide { grid-column: 1 / -1; }
.entry-form textarea { min-height: 70px; }
.notice { padding: 8px 12px; border-radius: 6px; border: 1px solid var(--line); background: var(--panel); margin: 8px 0; }
.notice.error { border-color: var(--bad); }
.postmortem { background: var(--panel); padding: 4px 16px 12px; border-radius: 6px; }
.postmortem ul { padding-left: 22px; }
.postmortem li.task { list-style: none; margin-left: -18px; }
.login { max-width: 420px; margin: 60px auto; background: var(--panel); padding: 20px 24px; border-radius: 8px; }
.login form { display: flex; flex-direction: column; gap: 12px; }
.breakdown { display: flex; width: 100%; min-height: 34px; border-radius: 4px; overflow: hidden; margin: 6px 0; }
.breakdown span { padding: 6px 8px; font-size: 0.85em; color: #fff; background: #3d4f63; white-space: nowrap; overflow: hidden;
  text-overflow: ellipsis; border-right: 2px solid var(--bg); }
.breakdown span.for { background: #8a4b00; } .breakdown span.delivery { background: #1d4f91; }
.chart { display: block; width: 100%; height: auto; }
.chart .axis { stroke: var(--muted); } .chart .gridline { stroke: var(--line); }
.chart text { fill: var(--muted); font-size: 11px; }
.chart .series { fill: none; stroke-width: 2.5; }
.chart .s-value { stroke: var(--accent); } .chart .threshold { stroke: var(--bad); stroke-dasharray: 6 4; }
.chart .rule { stroke: var(--fg); stroke-dasharray: 2 3; }
.series-grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(min(100%, 520px), 1fr)); gap: 14px; }
.chart .s-timeToDetect { stroke: var(--sig-availability); } .chart .s-timeToAcknowledge { stroke: var(--sig-latency); }
.chart .s-timeToMitigate { stroke: var(--sig-load_imbalance); } .chart .s-timeToResolve { stroke: var(--sig-error_rate); }
.chart .dot { stroke: none; }
.chart .d-timeToDetect { fill: var(--sig-availability); } .chart .d-timeToAcknowledge { fill: var(--sig-latency); }
.chart .d-timeToMitigate { fill: var(--sig-load_imbalance); } .chart .d-timeToResolve { fill: var(--sig-error_rate); }
.sw-timeToDetect { background: var(--sig-availability); } .sw-timeToAcknowledge { background: var(--sig-latency); }
.sw-timeToMitigate { background: var(--sig-load_imbalance); } .sw-timeToResolve { background: var(--sig-error_rate); }
.formula { font-size: 0.9em; } .formula dt { font-weight: 600; margin-top: 6px; } .formula dd { margin-left: 14px; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 0.92em; }
`;
