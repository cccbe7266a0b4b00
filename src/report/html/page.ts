import { createHash } from 'node:crypto';
import { loadChartAssets } from './assets.js';
import type { ChartSpec } from './chart-spec.js';
import { esc, jsonForScript } from './escape.js';
import { renderSection, type PageSection } from './blocks.js';
import { CLIENT_SCRIPT } from './client-script.js';

export interface PageInput {
  title: string;
  /** The header's HTML under the title (already escaped). */
  subtitleHtml: string;
  heading: string;
  /** HTML shown above everything (an interrupted run's banner); '' for none. */
  bannerHtml?: string;
  sections: readonly PageSection[];
  /** Every chart drawn in the sections (renderChartFigure), whose data the script needs. */
  charts: readonly ChartSpec[];
}

/**
 * One self-contained page: uPlot and the page's script inline, the charts' data in a JSON block, no
 * request to anywhere (the CSP allows only those two scripts, by hash, and no fetch). Without JavaScript
 * and in print, the static SVG of each chart and every table show.
 */
export function renderPage(input: PageInput): string {
  const { js, css } = loadChartAssets();
  const data = jsonForScript({ charts: input.charts.map(compactSpec) });
  const csp = [
    "default-src 'none'",
    "style-src 'unsafe-inline'",
    'img-src data:',
    `script-src ${[js, CLIENT_SCRIPT].map((s) => `'sha256-${createHash('sha256').update(s).digest('base64')}'`).join(' ')}`,
  ].join('; ');
  const toc = input.sections.map((s) => `<a href="#${esc(s.id)}">${esc(s.title)}</a>`).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(input.title)}</title>
<style>${css}</style>
<style>${PAGE_STYLE}</style></head>
<body><header><h1>${esc(input.heading)}</h1>
<p class="sub">${input.subtitleHtml}</p>
<nav class="toc" aria-label="sections">${toc}</nav></header>
${input.bannerHtml ?? ''}
<main>${input.sections.map(renderSection).join('\n')}</main>
<script type="application/json" id="report-data">${data}</script>
<script>${js}</script>
<script>${CLIENT_SCRIPT}</script>
</body></html>
`;
}

/** What the script needs of a spec (the note and title stay in the HTML). */
function compactSpec(spec: ChartSpec): Omit<ChartSpec, 'note' | 'title'> {
  const { note: _note, title: _title, ...rest } = spec;
  return rest;
}

export const PAGE_STYLE = `
:root{--ok:#1a7f37;--bad:#cf222e;--warn:#9a6700;--mute:#57606a;--line:#d0d7de;--c1:#0969da}
*{box-sizing:border-box}html{-webkit-text-size-adjust:100%}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1f2328;margin:0 auto;max-width:1100px;padding:16px 24px;overflow-wrap:anywhere}
h1{font-size:22px;margin:0}h2{font-size:17px;margin:26px 0 8px;border-bottom:1px solid var(--line);padding-bottom:4px}h3{font-size:14px;margin:10px 0 6px}
.sub{color:var(--mute);margin:2px 0 0;word-break:break-all}
.toc{display:flex;flex-wrap:wrap;gap:4px 12px;margin:8px 0 0;font-size:12px}.toc a{color:var(--c1);text-decoration:none}
.banner{margin:12px 0;padding:10px 14px;border-radius:6px;background:#fff1e5;border:2px solid var(--bad);color:#82071e;font-weight:600}
.callout{margin:6px 0 10px;padding:6px 10px;border-radius:6px;border-left:4px solid var(--line);background:#f6f8fa;font-size:13px}
.callout.warn{border-color:var(--warn);background:#fff8c5}.callout.bad{border-color:var(--bad);background:#ffebe9}.callout.ok{border-color:var(--ok)}
.verdict{display:flex;flex-wrap:wrap;align-items:center;gap:8px 12px;margin:14px 0 8px}.badge{font-weight:700;padding:4px 12px;border-radius:6px;color:#fff}
.pass{background:var(--ok)}.fail{background:var(--bad)}.degraded,.invalid{background:var(--warn)}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(100%,150px),1fr));gap:8px}
.card{border:1px solid var(--line);border-radius:6px;padding:8px 10px}.card b{display:block;font-size:20px}.card span{color:var(--mute);font-size:12px}
.table-wrap{max-width:100%;overflow-x:auto;margin:6px 0}
table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top}
.table-wrap td,.table-wrap th{overflow-wrap:normal}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}.ok{color:var(--ok)}.bad{color:var(--bad)}.warn{color:var(--warn)}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,460px),1fr));gap:14px}.grid>*{min-width:0}
figure{margin:0;border:1px solid var(--line);border-radius:6px;padding:8px;min-width:0}figcaption{font-weight:600;margin-bottom:2px}
.plot{width:100%;min-width:0;overflow:hidden}.plot.live>svg.static{display:none}.plot.live~.note{margin-top:2px}
.static-legend i{display:inline-block;width:10px;height:10px;margin:0 4px 0 10px;border-radius:2px}.legend{font-size:12px;color:var(--mute)}
html[data-charts-ready] .static-legend{display:none}
.uplot .u-legend{font-size:12px;text-align:left}.uplot th,.uplot td{border:0;padding:0 2px}.uplot .u-legend .u-series{padding:0 6px}.uplot .u-legend th{font-weight:500}
svg{width:100%;height:auto;display:block}svg text{font-size:11px;fill:#57606a}svg .grid-line{stroke:#eaeef2}svg .axis{stroke:#8c959f}svg .warmup{fill:#eef1f4}
svg .mark line{stroke:var(--bad);stroke-dasharray:4 3}svg .mark text{fill:var(--bad)}
.heat td.cell{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap;border:1px solid #fff}
.heat-scale{display:inline-block;width:90px;height:10px;margin:0 6px;vertical-align:middle;border-radius:2px}
code,pre{font:12px ui-monospace,SFMono-Regular,Menlo,monospace;white-space:pre-wrap;word-break:break-all}
.note{color:var(--mute);font-size:12px}dl{display:grid;grid-template-columns:minmax(7em,max-content) minmax(0,1fr);gap:4px 14px;margin:0}dt{font-weight:600}dd{margin:0;min-width:0}
@media (max-width:600px){body{padding:10px 12px}h1{font-size:19px}.card b{font-size:17px}dl{grid-template-columns:minmax(0,1fr)}dd{margin:0 0 6px}}
@media print{body{max-width:none;padding:0;font-size:11px;-webkit-print-color-adjust:exact;print-color-adjust:exact}
.toc{display:none}figure,tr,.card,.callout{break-inside:avoid}h2{break-after:avoid}.grid{grid-template-columns:1fr 1fr}
.plot.live>.uplot{display:none}.plot.live>svg.static{display:block}html[data-charts-ready] .static-legend{display:block}
.table-wrap{overflow:visible}}
`;
