'use client';

export type SidebarTab = 'spans' | 'autolabel' | 'model' | 'label-errors' | 'sync' | 'similar';

interface TabSpec {
  id: SidebarTab;
  text: string;
  title?: string;
}

const TABS: readonly TabSpec[] = [
  { id: 'spans', text: 'Spans' },
  { id: 'autolabel', text: 'Auto-label' },
  { id: 'model', text: 'Model' },
  { id: 'label-errors', text: 'Label errors', title: 'Label errors: find likely mislabelled spans' },
  { id: 'sync', text: 'Sync', title: 'Label Studio events that could not be applied' },
  { id: 'similar', text: 'Similar', title: "Find similar: search every dataset for a span's shape" },
];

/** The sidebar's tabs; `counts` gives a tab a count badge (shown as given: '' for an empty one). */
export function SidebarTabs(props: {
  tab: SidebarTab;
  onTab: (tab: SidebarTab) => void;
  counts: Partial<Record<SidebarTab, number | ''>>;
}) {
  return (
    <div className="tabs" role="tablist">
      {TABS.map(({ id, text, title }) => (
        <button
          key={id}
          type="button"
          role="tab"
          className="tab"
          aria-selected={props.tab === id}
          onClick={() => props.onTab(id)}
          data-testid={`tab-${id}`}
          title={title}
        >
          {text}
          {id in props.counts ? <span className="count">{props.counts[id]}</span> : null}
        </button>
      ))}
    </div>
  );
}
