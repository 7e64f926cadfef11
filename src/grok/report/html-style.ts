/**
 * The page's stylesheet, inlined so index.html is one self-contained file. Print rules keep tables and
 * figures whole across pages. Colours of the check marks are backed by the words PASS/FAIL themselves,
 * so nothing depends on seeing colour. Column headers may wrap (numbers never do), so that a table of
 * published | ours | ratio columns fits the text column instead of scrolling sideways.
 */
export const REPORT_CSS = `
:root { --ink: #1a1a1a; --muted: #5c5c5c; --rule: #d9d9d9; --soft: #f5f6f7; --accent: #0072b2; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; color: var(--ink); background: #fff; font: 16px/1.55 -apple-system, "Segoe UI", Helvetica, Arial, "Liberation Sans", "DejaVu Sans", sans-serif; }
.page { max-width: 1180px; margin: 0 auto; padding: 32px 28px 64px; }
a { color: var(--accent); }
code { font-family: "SFMono-Regular", Menlo, Consolas, "Liberation Mono", "DejaVu Sans Mono", monospace; font-size: 0.88em; background: var(--soft); padding: 0.05em 0.3em; border-radius: 3px; }
header.report-header { border-bottom: 2px solid var(--ink); padding-bottom: 18px; margin-bottom: 24px; }
.kicker { margin: 0 0 4px; color: var(--muted); font-size: 13px; letter-spacing: 0.06em; text-transform: uppercase; }
h1 { font-size: 30px; line-height: 1.2; margin: 0 0 8px; }
.paper { margin: 0 0 14px; color: var(--muted); }
dl.pipeline { display: grid; grid-template-columns: repeat(auto-fill, minmax(220px, 1fr)); gap: 6px 24px; margin: 0 0 12px; font-size: 14px; }
dl.pipeline div { min-width: 0; }
dl.pipeline dt { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: 0.04em; }
dl.pipeline dd { margin: 0; overflow-wrap: anywhere; }
.scorecard { display: flex; flex-wrap: wrap; gap: 8px; margin: 10px 0; padding: 0; list-style: none; font-size: 14px; }
.scorecard li { padding: 3px 10px; border-radius: 12px; border: 1px solid var(--rule); }
.scorecard li.pass { background: #d9efe4; color: #0b5d3b; border-color: #b5dcc8; }
.scorecard li.fail { background: #fbe0d0; color: #8a2e00; border-color: #f2c2a6; }
.scorecard li.diverges { background: #fdf3cf; color: #6b5000; border-color: #eedc9a; }
.generated { margin: 8px 0 0; color: var(--muted); font-size: 13px; }
nav.toc { background: var(--soft); border-radius: 6px; padding: 12px 20px; margin-bottom: 28px; font-size: 14px; }
nav.toc h2 { font-size: 13px; text-transform: uppercase; letter-spacing: 0.06em; color: var(--muted); margin: 0 0 6px; border: 0; padding: 0; }
nav.toc ol { margin: 0; padding-left: 22px; columns: 2 300px; }
nav.toc .contents { color: var(--muted); }
section { margin: 0 0 40px; }
h2 { font-size: 22px; margin: 0 0 10px; padding-bottom: 4px; border-bottom: 1px solid var(--rule); }
section > p { max-width: 78ch; margin: 0 0 12px; }
.table-block { margin: 18px 0 22px; }
.table-scroll { overflow-x: auto; }
p.table-caption { font-size: 14px; margin: 0 0 6px; max-width: 90ch; }
table { border-collapse: collapse; font-size: 14px; font-variant-numeric: tabular-nums; }
.table-caption b, figcaption b { font-weight: 600; }
th, td { padding: 5px 8px; border-bottom: 1px solid var(--rule); vertical-align: top; }
thead th { border-bottom: 1.5px solid var(--ink); text-align: left; font-weight: 600; }
thead tr.parts th { font-weight: 400; color: var(--muted); font-size: 12px; border-bottom: 1.5px solid var(--ink); }
thead tr.groups th.group { text-align: center; border-bottom: 1px solid var(--rule); border-left: 1px solid var(--rule); }
thead th.first-part { border-left: 1px solid var(--rule); }
td.num, th.num { text-align: right; }
td.num { white-space: nowrap; }
td.num.words { white-space: normal; }
td.nw { white-space: nowrap; }
td.center, th.center { text-align: center; }
td.right, th.right { text-align: right; }
td.published { color: var(--muted); }
td.reproduced { font-weight: 600; }
td.tolerance { color: var(--muted); font-size: 12.5px; white-space: nowrap; }
td.first-part { border-left: 1px solid var(--rule); }
td.mark { text-align: center; font-size: 12px; font-weight: 700; letter-spacing: 0.04em; }
td.mark span { display: inline-block; min-width: 44px; padding: 1px 6px; border-radius: 3px; }
td.mark.pass span { background: #d9efe4; color: #0b5d3b; }
td.mark.fail span { background: #fbe0d0; color: #8a2e00; }
td.mark.diverges span { background: #fdf3cf; color: #6b5000; }
td.mark.diverges div.reason { font-weight: 400; letter-spacing: 0; text-align: left; max-width: 28em; margin-top: 3px; }
td.mark.none span { color: var(--muted); }
tbody tr:hover { background: #fafafa; }
p.footnote { font-size: 13px; color: var(--muted); margin: 6px 0 0; max-width: 90ch; }
.figures { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 520px), 1fr)); gap: 28px 32px; margin: 18px 0; }
figure { margin: 0; min-width: 0; }
figure svg { display: block; width: 100%; height: auto; }
figcaption { font-size: 14px; color: var(--ink); margin-top: 6px; max-width: 80ch; }
figcaption .chart-notes { display: block; color: #8a2e00; font-size: 13px; }
ul.notes { margin: 6px 0 0; padding: 10px 16px 10px 34px; background: var(--soft); border-radius: 6px; font-size: 14px; }
footer { border-top: 1px solid var(--rule); padding-top: 12px; color: var(--muted); font-size: 13px; }
@media print {
  .page { max-width: none; padding: 0; }
  nav.toc { display: none; }
  .table-block, figure { break-inside: avoid; }
  tbody tr:hover { background: none; }
}
`;
