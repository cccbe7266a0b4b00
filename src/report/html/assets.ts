import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/** uPlot's minified script and stylesheet, inlined into every page so it opens with no network. */
export interface ChartAssets {
  js: string;
  css: string;
}

let cached: ChartAssets | null = null;

/** Read once per process from the installed package (a runtime dependency), then kept. */
export function loadChartAssets(): ChartAssets {
  if (cached !== null) return cached;
  const require = createRequire(import.meta.url);
  cached = {
    js: readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8'),
    css: readFileSync(require.resolve('uplot/dist/uPlot.min.css'), 'utf8'),
  };
  return cached;
}
