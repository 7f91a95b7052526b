export interface Label {
  id: number;
  projectId: number;
  name: string;
  /** `#rrggbb` */
  color: string;
  /** 1–9, or null for labels picked from the list only. */
  hotkey: number | null;
  description: string;
  /** Live (not deleted) spans carrying this label, in all datasets. */
  spanCount: number;
  createdAt: number;
  updatedAt: number;
}

/** What to do with a deleted label's spans. */
export type LabelSpanDisposition = { spans: 'delete' } | { spans: 'reassign'; reassignTo: number };
