import type { Summary } from '../model/summary.js';

/**
 * report.html's "Hosts" section of a merged run (`merge`): each host's run, its clock offset, its requests
 * and its own generator verdict; '' for other runs. `esc` is the report's own HTML escaping.
 */
export function renderHostsHtml(summary: Summary, esc: (text: string) => string): string {
  const hosts = summary.hosts;
  if (hosts === undefined || hosts.length === 0) return '';
  const rows = hosts
    .map(
      (host) =>
        `<tr><td>${esc(host.label)}</td><td class="n">+${host.offsetS.toFixed(3)} s</td><td class="n">${host.requests.total}</td><td class="n">${host.requests.ok}</td><td class="n">${host.requests.failed}</td><td><span class="badge ${host.generator.verdict === 'ok' ? 'pass' : host.generator.verdict}">${esc(host.generator.verdict)}</span>${host.generator.reasons.length === 0 ? '' : ` ${esc(host.generator.reasons.join('; '))}`}</td></tr>`,
    )
    .join('');
  return `<section><h2>Hosts</h2><table data-key="hosts"><tr><th>run</th><th>first request</th><th>requests</th><th>ok</th><th>failed</th><th>generator</th></tr>${rows}</table>
<p class="note">Merged from ${hosts.length} runs by their wall clocks; the figures above come from every host's records together.</p></section>`;
}
