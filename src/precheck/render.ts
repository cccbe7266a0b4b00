import { formatDuration as formatMs } from '../text/format.js';
import { PLAIN_STYLE, type TextStyle } from '../text/style.js';
import type { CapabilityReport } from '../model/capability.js';
import { escapeControl } from '../text/escape.js';

/** The capability report as printed on stderr before the load starts (one fact per line). */
export function renderCapabilityReport(report: CapabilityReport, style: TextStyle = PLAIN_STYLE): string {
  const timing = report.stream && report.ttftMs !== null ? `, TTFT ${formatMs(report.ttftMs)}` : '';
  const lines = [
    `${style.green('Pre-check ok:')} HTTP ${report.status} in ${formatMs(report.latencyMs)}${timing} (${report.stream ? 'streaming' : 'not streaming'})`,
  ];
  const row = (label: string, value: string): void => {
    lines.push(`  ${style.dim(label.padEnd(14))} ${value}`);
  };

  // The model, the answer and notes are the server's words: escaped, the terminal never obeys them.
  const model = escapeControl(report.model ?? 'not reported');
  if (report.vectors !== undefined) return renderEmbeddingsReport(report, lines, row, style);
  row('model', report.model !== null && report.model !== report.modelAsked ? `${model} (asked ${escapeControl(report.modelAsked)})` : model);
  row('usage', describeUsage(report));
  row('reasoning', report.reasoning ? `yes${report.ttfoMs !== null && report.stream ? ` (TTFO ${formatMs(report.ttfoMs)})` : ''}` : 'no');
  row('tokens/chunk', describeTokensPerChunk(report));
  row('max_tokens hit', report.maxTokensHit ? style.yellow(`yes (${escapeControl(report.finishReason ?? 'length')})`) : 'no');
  const lengths = report.lengths;
  if (lengths !== undefined && lengths.outputAsked !== null) {
    const kept = lengths.output === 'exact' ? style.green('kept') : lengths.output === 'unknown' ? 'unknown' : style.yellow(lengths.output ?? 'unknown');
    row('output length', `asked ${lengths.outputAsked}, got ${lengths.outputGot ?? 'unknown'} (${kept})`);
  }
  if (lengths !== undefined && lengths.inputSent !== null) {
    row('prompt tokens', `sent ${lengths.inputSent}${lengths.inputReported === null ? '' : `, server counts ${lengths.inputReported}`}`);
  }
  if (report.textPreview !== '') row('answer', `"${escapeControl(report.textPreview)}"`);
  row('exact', report.exact.join(', '));
  row('estimated', report.estimated.length === 0 ? 'none' : style.yellow(report.estimated.join(', ')));
  if (report.unavailable.length > 0) row('not measured', report.unavailable.join(', '));
  for (const note of report.notes) lines.push(`  ${style.dim('note:')} ${escapeControl(note)}`);
  return `${lines.join('\n')}\n`;
}

function renderEmbeddingsReport(report: CapabilityReport, lines: string[], row: (label: string, value: string) => void, style: TextStyle): string {
  const model = report.model ?? 'not reported';
  row('model', report.model !== null && report.model !== report.modelAsked ? `${model} (asked ${report.modelAsked})` : model);
  row('vectors', String(report.vectors ?? 0));
  row('usage', report.inputTokens === null ? 'not reported' : `reported in the response (${report.inputTokens} in)`);
  row('exact', report.exact.join(', '));
  row('not measured', report.unavailable.join(', '));
  for (const note of report.notes) lines.push(`  ${style.dim('note:')} ${note}`);
  return `${lines.join('\n')}\n`;
}

function describeUsage(report: CapabilityReport): string {
  const where = report.stream ? 'in the stream' : 'in the response';
  if (!report.usageReported) return `not reported ${where}: output tokens counted with a tokenizer`;
  const counts = [
    report.inputTokens === null ? null : `${report.inputTokens} in`,
    report.outputTokens === null ? null : `${report.outputTokens} out`,
    report.reasoningTokens === null ? null : `${report.reasoningTokens} reasoning`,
  ].filter((part): part is string => part !== null);
  return `reported ${where}${counts.length > 0 ? ` (${counts.join(', ')})` : ''}`;
}

function describeTokensPerChunk(report: CapabilityReport): string {
  if (report.tokensPerChunk === null) return 'unknown';
  const source = report.tokenSource === 'tokenizer' ? ', tokenizer count' : '';
  return `${report.tokensPerChunk} (${report.outputTokens ?? 0} tokens in ${report.contentChunks} chunks${source})`;
}
