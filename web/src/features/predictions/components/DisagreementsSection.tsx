'use client';
import { formatDay } from '@/shared/format';
import type { Disagreement, DisagreementKind } from '../lib/predictionLogic';

/** At most this many rows. */
const MAX_ROWS = 100;

/** Where the model and the people disagree; a click shows the place (and selects what is there). */
export function DisagreementsSection(props: {
  disagreements: readonly Disagreement[];
  counts: Record<DisagreementKind, number>;
  onOpen: (d: Disagreement) => void;
}) {
  const { disagreements, counts } = props;
  return (
    <section className="model-section">
      <h3>Disagreements</h3>
      <div className="muted" data-testid="disagreement-counts">
        label mismatch {counts['label-mismatch']} · missed by model {counts['missed-by-model']} · confident, unlabelled{' '}
        {counts['unlabelled-confident']}
      </div>
      <ul className="pred-list">
        {disagreements.slice(0, MAX_ROWS).map((d, i) => (
          <li key={`${d.kind}${d.start}${i}`}>
            <button type="button" className="pred-row" data-testid="disagreement-row" onClick={() => props.onOpen(d)}>
              <span>{d.kind}</span>
              <span>
                {d.humanLabel ?? ''}
                {d.humanLabel && d.modelLabel ? ' vs ' : ''}
                {d.modelLabel ?? ''}
              </span>
              <span className="muted">{formatDay(d.start)}</span>
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
