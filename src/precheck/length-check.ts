import type { CapabilityReport, LengthCheck } from '../model/capability.js';

/** What the pre-check asked for: the prompt's tokens as sent and the output length (null: not ours to say). */
export interface AskedLengths {
  inputTokens: number | null;
  outputTokens: number | null;
  /** min_tokens / ignore_eos were sent too (--ignore-eos). */
  exact: boolean;
}

/**
 * The capability report with whether the server kept to the lengths asked (docs/cli.md "Workload"): the
 * answer's output tokens (from its usage, else our count) against the output asked, and the prompt
 * tokens it reports against the ones we sent, each difference said in a note.
 */
export function checkAskedLengths(report: CapabilityReport, asked: AskedLengths): CapabilityReport {
  if (asked.inputTokens === null && asked.outputTokens === null) return report;
  const notes = [...report.notes];
  const got = report.outputTokens;
  let output: LengthCheck['output'] = null;
  if (asked.outputTokens !== null) {
    output = got === null ? 'unknown' : got === asked.outputTokens ? 'exact' : got < asked.outputTokens ? 'shorter' : 'longer';
    if (output === 'shorter') {
      notes.push(
        asked.exact
          ? `the answer had ${got} of the ${asked.outputTokens} output tokens asked although min_tokens and ignore_eos were sent: this server does not honour them`
          : `the answer had ${got} of the ${asked.outputTokens} output tokens asked: the server ended it itself; --ignore-eos asks vLLM or SGLang for the full length`,
      );
    } else if (output === 'longer') {
      notes.push(`the answer had ${got} output tokens, more than the ${asked.outputTokens} asked: the server does not honour the cap`);
    }
  }
  const reported = report.inputTokens;
  if (asked.inputTokens !== null && reported !== null && reported !== asked.inputTokens) {
    const diff = reported - asked.inputTokens;
    notes.push(`the server counts ${reported} prompt tokens for the ${asked.inputTokens} sent (${diff > 0 ? `+${diff}` : diff}: its chat template, or another tokenizer)`);
  }
  return {
    ...report,
    notes,
    lengths: { inputSent: asked.inputTokens, inputReported: reported, outputAsked: asked.outputTokens, outputGot: got, output },
  };
}
