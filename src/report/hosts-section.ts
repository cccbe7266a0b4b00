import type { Summary } from '../model/summary.js';
import { renderTable, type PageSection } from './html/blocks.js';
import { esc } from './html/escape.js';

/**
 * report.html's "Hosts" section of a merged run (`merge`): each host's run, its clock offset, its requests
 * and its own generator verdict; null for other runs.
 */
export function buildHostsSection(summary: Summary): PageSection | null {
  const hosts = summary.hosts;
  if (hosts === undefined || hosts.length === 0) return null;
  const rows = hosts.map((host) => [
    host.label,
    `+${host.offsetS.toFixed(3)} s`,
    String(host.requests.total),
    String(host.requests.ok),
    String(host.requests.failed),
    {
      html: `<span class="badge ${host.generator.verdict === 'ok' ? 'pass' : esc(host.generator.verdict)}">${esc(host.generator.verdict)}</span>${host.generator.reasons.length === 0 ? '' : ` ${esc(host.generator.reasons.join('; '))}`}`,
    },
  ]);
  const columns = [{ head: 'run' }, { head: 'first request', numeric: true }, { head: 'requests', numeric: true }, { head: 'ok', numeric: true }, { head: 'failed', numeric: true }, { head: 'generator' }];
  return {
    id: 'hosts',
    title: 'Hosts',
    body: `<div data-key="hosts">${renderTable(columns, rows)}</div><p class="note">Merged from ${hosts.length} runs by their wall clocks; the figures above come from every host's records together.</p>`,
  };
}
