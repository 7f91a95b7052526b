export const OVERLAP_POLICIES = ['allow', 'split'] as const;
export type OverlapPolicy = (typeof OVERLAP_POLICIES)[number];

export interface Project {
  id: number;
  name: string;
  /** What happens when a new or resized human span overlaps an older one: keep both, or split the older. */
  overlapPolicy: OverlapPolicy;
  createdAt: number;
  updatedAt: number;
}
