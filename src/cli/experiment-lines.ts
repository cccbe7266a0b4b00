import type { HeatmapEvent } from '../run/heatmap.js';
import type { SweepEvent } from '../run/sweep.js';
import * as format from '../text/format.js';

/** A sweep's progress line on stderr, or null for events shown elsewhere. */
export function describeSweepEvent(event: { type: string }): string | null {
  const e = event as SweepEvent;
  switch (e.type) {
    case 'plan':
      return `Sweep plan: ${e.cost.plan}\nFiles: ${e.outDir}`;
    case 'point-start':
      return `Point ${e.index}${e.source === 'ladder' ? '' : ` (${e.source === 'knee' ? 'knee probe' : 'bisect'})`}: ${e.load} …`;
    case 'point':
      return `  ${e.point.load}: ${format.formatNumber(e.point.rps, 2)} req/s, TTFT p95 ${format.formatMs(e.point.ttftMs.p95, 'brief')}, E2E p95 ${format.formatMs(e.point.e2eMs.p95, 'brief')}, ${e.point.requests.failed} failed${e.point.sloPassed === null ? '' : e.point.sloPassed ? ', SLOs met' : ', SLOs failed'}`;
    default:
      return null;
  }
}

export function describeHeatmapEvent(event: { type: string }): string | null {
  const e = event as HeatmapEvent;
  switch (e.type) {
    case 'plan':
      return `Heatmap plan: ${e.cells} cells, at most ${Math.round(e.plannedS)} s\nFiles: ${e.outDir}`;
    case 'cell-start':
      return `Cell ${e.index}: ${e.inputTokens} in × ${e.outputTokens} out …`;
    case 'cell':
      return `  TTFT p50 ${format.formatMs(e.cell.ttftMs.p50, 'brief')}, E2E p50 ${format.formatMs(e.cell.e2eMs.p50, 'brief')}, ${format.formatNumber(e.cell.outputTokensPerSecond, 1)} out tok/s`;
    default:
      return null;
  }
}
