import type { CliContext } from './io.js';

/**
 * Every `--json` answer of every command goes out here, so all share one envelope: a single object on
 * stdout whose first field is `ok` (true when the command ends with exit 0), and numbers at a sensible
 * precision: float noise such as 3.8233656249999997 is cut (3 decimals from 1 up, 6 significant digits
 * below 1, so a success rate of 0.99995 stays below 1).
 */
export function writeJson(ctx: CliContext, ok: boolean, body: Readonly<Record<string, unknown>>): void {
  // `ok` first, and ours: a body's own `ok` (a summary has none; an error's agrees) never wins.
  ctx.io.stdout.write(`${JSON.stringify(Object.assign({ ok }, body, { ok }), roundNumbers)}\n`);
}

function roundNumbers(_key: string, value: unknown): unknown {
  if (typeof value !== 'number' || Number.isInteger(value) || !Number.isFinite(value)) return value;
  return Math.abs(value) >= 1 ? Math.round(value * 1000) / 1000 : Number(value.toPrecision(6));
}
