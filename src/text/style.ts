/**
 * The colours a renderer may use. Renderers below cli/ take one and return strings: cli/ passes a chalk
 * instance built for the stream it writes to (which fits this shape), files and tests get PLAIN_STYLE.
 */
export interface TextStyle {
  bold(text: string): string;
  dim(text: string): string;
  green(text: string): string;
  red(text: string): string;
  yellow(text: string): string;
}

const identity = (text: string): string => text;

export const PLAIN_STYLE: TextStyle = { bold: identity, dim: identity, green: identity, red: identity, yellow: identity };
