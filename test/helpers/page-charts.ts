import type { ChartSpec } from '../../src/report/html/chart-spec.js';

/** The charts of a report page as its script reads them: the page's JSON data block. */
export function readPageCharts(page: string): ChartSpec[] {
  const json = /<script type="application\/json" id="report-data">([\s\S]*?)<\/script>/.exec(page)?.[1];
  if (json === undefined) throw new Error('the page has no report-data block');
  return (JSON.parse(json) as { charts: ChartSpec[] }).charts;
}
