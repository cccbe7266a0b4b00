import { esc } from './escape.js';

/**
 * A top-level section of a report page: an id to link to, a heading the table of contents and the
 * print check read, and its body. `data-section` marks it as one of the page's sections.
 */
export interface PageSection {
  id: string;
  title: string;
  body: string;
}

export function renderSection(section: PageSection): string {
  return `<section id="${esc(section.id)}" data-section="${esc(section.id)}"><h2>${esc(section.title)}</h2>${section.body}</section>`;
}

export interface TableColumn {
  head: string;
  /** Right-aligned, tabular digits. */
  numeric?: boolean;
}

/** A cell's HTML (already escaped) and optional attributes (data-key, class). */
export interface TableCell {
  html: string;
  attrs?: string;
  className?: string;
}

/**
 * A table in its own scroll box: on a narrow screen a wide table scrolls sideways inside the box, never
 * the page. Cells given as plain strings are escaped here.
 */
export function renderTable(columns: readonly TableColumn[], rows: ReadonlyArray<ReadonlyArray<string | TableCell>>, options: { rowAttrs?: (row: number) => string; rowHeads?: boolean } = {}): string {
  const head = columns.map((c) => `<th${c.numeric === true ? ' class="n"' : ''}>${esc(c.head)}</th>`).join('');
  const body = rows
    .map((cells, r) => {
      const tds = cells
        .map((cell, i) => {
          const c = typeof cell === 'string' ? { html: esc(cell) } : cell;
          const tag = options.rowHeads === true && i === 0 ? 'th' : 'td';
          const cls = [columns[i]?.numeric === true ? 'n' : '', c.className ?? ''].filter((x) => x !== '').join(' ');
          return `<${tag}${cls === '' ? '' : ` class="${cls}"`}${c.attrs === undefined ? '' : ` ${c.attrs}`}>${c.html}</${tag}>`;
        })
        .join('');
      const attrs = options.rowAttrs?.(r);
      return `<tr${attrs === undefined ? '' : ` ${attrs}`}>${tds}</tr>`;
    })
    .join('');
  return `<div class="table-wrap"><table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table></div>`;
}

/** Label and value pairs; a value with line breaks keeps them. */
export function renderDefinitionList(items: ReadonlyArray<readonly [string, string]>): string {
  if (items.length === 0) return '<p class="note">–</p>';
  return `<dl>${items.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${v.includes('\n') ? `<pre>${esc(v)}</pre>` : esc(v)}</dd>`).join('')}</dl>`;
}

/** A boxed remark beside the figures it concerns ("warn": read them with care). */
export function renderCallout(kind: 'ok' | 'warn' | 'bad', html: string, key?: string): string {
  return `<div class="callout ${kind}"${key === undefined ? '' : ` data-key="${esc(key)}"`}>${html}</div>`;
}
