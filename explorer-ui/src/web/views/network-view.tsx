import { api } from '../api';
import { t } from '../i18n';
import { Show, useLoaded } from '../ui';

interface NetworkOverview {
  ledger: { reachable: boolean; detail: string };
  height: number;
  layout?: {
    consensusType: string;
    capabilities: string[];
    departments: Array<{ mspId: string; anchorPeers: string[] }>;
    ordererOrganizations: Array<{ mspId: string; endpoints: string[] }>;
    consenters: string[];
  };
  nodes: Array<{ role: 'peer' | 'orderer'; mspId: string; address: string; reachable: boolean; detail: string }>;
  transactionsPerMinute: Array<{ minute: string; transactions: number }>;
}

/** The dashboard: the channel's height, who is in it, whether its nodes answer, and its recent load. */
export function NetworkView() {
  const [loaded, reload] = useLoaded(() => api<NetworkOverview>('GET', '/api/v1/network'), []);
  return (
    <section aria-labelledby="network-title">
      <h1 id="network-title">{t('networkTitle')}</h1>
      <Show loaded={loaded} retry={reload}>{(overview) => (
        <>
          <div class="cards">
            <div class="card"><span class="label">{t('height')}</span><strong data-testid="height">{overview.height}</strong></div>
            <div class="card"><span class="label">{overview.ledger.reachable ? t('ledgerReachable') : t('ledgerUnreachable')}</span><span class={overview.ledger.reachable ? 'ok' : 'bad'}>{overview.ledger.detail}</span></div>
            {overview.layout ? <div class="card"><span class="label">{t('consensus')}</span><strong>{overview.layout.consensusType}</strong><span>{t('capabilities')}: {overview.layout.capabilities.join(', ')}</span></div> : null}
          </div>
          <h2>{t('tpmTitle')}</h2>
          <RateChart points={overview.transactionsPerMinute} />
          {overview.layout ? (
            <>
              <h2>{t('departments')}</h2>
              <ul class="departments">{overview.layout.departments.map((d) => <li key={d.mspId}><strong>{d.mspId}</strong> <span>{t('anchorPeers')}: {d.anchorPeers.join(', ') || '—'}</span></li>)}</ul>
            </>
          ) : null}
          <h2>{t('nodes')}</h2>
          <table>
            <thead><tr><th>{t('role')}</th><th>MSP</th><th>{t('address')}</th><th>{t('health')}</th></tr></thead>
            <tbody>{overview.nodes.map((node) => (
              <tr key={`${node.role}-${node.address}`}>
                <td>{node.role}</td><td>{node.mspId}</td><td><code>{node.address}</code></td>
                <td class={node.reachable ? 'ok' : 'bad'} title={node.detail}>{node.reachable ? t('reachable') : t('unreachable')} <small>{node.detail}</small></td>
              </tr>
            ))}</tbody>
          </table>
        </>
      )}</Show>
    </section>
  );
}

/** A bar chart in plain SVG: one bar a minute, with the numbers in a table for screen readers. */
function RateChart({ points }: { points: NetworkOverview['transactionsPerMinute'] }) {
  const width = 600;
  const height = 120;
  const max = Math.max(1, ...points.map((p) => p.transactions));
  const bar = width / Math.max(1, points.length);
  const total = points.reduce((sum, p) => sum + p.transactions, 0);
  return (
    <figure class="chart">
      <svg viewBox={`0 0 ${width} ${height + 16}`} role="img" aria-label={`${t('tpmTitle')}: ${total}`} data-testid="tpm-chart">
        {points.map((p, i) => {
          const h = (p.transactions / max) * height;
          return <rect key={p.minute} x={i * bar + 1} y={height - h} width={bar - 2} height={h}><title>{`${new Date(p.minute).toLocaleTimeString()}: ${p.transactions}`}</title></rect>;
        })}
        <line x1="0" y1={height} x2={width} y2={height} />
        <text x="0" y={height + 14}>{points[0] ? new Date(points[0].minute).toLocaleTimeString() : ''}</text>
        <text x={width} y={height + 14} text-anchor="end">{max} / min max</text>
      </svg>
    </figure>
  );
}
