/** Request-body pieces both adapters share: model and stream made to agree, each change said as a note. */

export type Body = Record<string, unknown>;

/** A shallow copy with `model` and `stream` agreeing with the plan; notes say what changed. */
export function applyModelAndStream(body: Readonly<Body>, model: string, stream: boolean, notes: string[]): Body {
  const out: Body = { ...body };
  if (out['model'] !== model) {
    notes.push(out['model'] === undefined ? `added model: "${model}"` : `model set to "${model}" (was ${JSON.stringify(out['model'])})`);
    out['model'] = model;
  }
  if (stream) {
    if (out['stream'] !== true) {
      notes.push(out['stream'] === undefined ? 'added stream: true' : `stream set to true (was ${JSON.stringify(out['stream'])})`);
      out['stream'] = true;
    }
  } else if (out['stream'] !== undefined && out['stream'] !== false) {
    notes.push(`stream set to false (was ${JSON.stringify(out['stream'])})`);
    out['stream'] = false;
  }
  return out;
}

/** True when a header of this name (any case) is among the user's headers. */
export function hasHeader(headers: Readonly<Record<string, string>>, name: string): boolean {
  const lower = name.toLowerCase();
  return Object.keys(headers).some((key) => key.toLowerCase() === lower);
}

/** A user message of a plain prompt. */
export function userMessage(prompt: string): { role: string; content: string } {
  return { role: 'user', content: prompt };
}
