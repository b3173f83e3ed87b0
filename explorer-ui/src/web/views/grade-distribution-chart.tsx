import { t } from '../i18n';

export const grades = ['A', 'B', 'C', 'D'] as const;
export type Grade = (typeof grades)[number];
export type GradeDistribution = Record<Grade, number> & { total: number };

/**
 * How many subjects have each grade, as bars in plain SVG (no chart library: four bars do not
 * need one), each labelled with its count and share, with the numbers also in a table for
 * screen readers and for copying.
 */
export function GradeDistributionChart({ distribution }: { distribution: GradeDistribution }) {
  const width = 480;
  const height = 160;
  const top = 18;
  const max = Math.max(1, ...grades.map((g) => distribution[g]));
  const slot = width / grades.length;
  const share = (n: number) => (distribution.total ? `${Math.round((n / distribution.total) * 100)}%` : '0%');
  return (
    <figure class="chart grades">
      <svg viewBox={`0 0 ${width} ${height + top + 18}`} role="img" aria-label={`${t('gradeDistributionTitle')}: ${grades.map((g) => `${g} ${distribution[g]}`).join(', ')}`} data-testid="grade-chart">
        {grades.map((grade, i) => {
          const h = (distribution[grade] / max) * height;
          return (
            <g key={grade} data-grade={grade} data-count={distribution[grade]}>
              <rect class={`grade-${grade}`} x={i * slot + slot * 0.2} y={top + height - h} width={slot * 0.6} height={h}><title>{`${grade}: ${distribution[grade]} (${share(distribution[grade])})`}</title></rect>
              <text x={i * slot + slot / 2} y={top + height - h - 4} text-anchor="middle">{`${distribution[grade]} · ${share(distribution[grade])}`}</text>
              <text x={i * slot + slot / 2} y={top + height + 15} text-anchor="middle" class="axis">{grade}</text>
            </g>
          );
        })}
        <line x1="0" y1={top + height} x2={width} y2={top + height} />
      </svg>
      <figcaption>
        <table class="compact">
          <thead><tr><th>{t('grade')}</th>{grades.map((g) => <th key={g}>{g}</th>)}<th>{t('total')}</th></tr></thead>
          <tbody><tr><td>{t('subjects')}</td>{grades.map((g) => <td key={g}>{distribution[g]}</td>)}<td data-testid="grade-total">{distribution.total}</td></tr></tbody>
        </table>
      </figcaption>
    </figure>
  );
}
