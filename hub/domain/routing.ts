/** Ordered tiers of pager ids: tier 0 is the first responders, later tiers are escalation. */
export type Tiers = string[][];

export interface TierChoice {
  /** Index into the tiers; the alert level of its pagers is index + 1. */
  index: number;
  pagers: string[];
}

/**
 * The first tier after `afterIndex` that has at least one available pager,
 * with just those pagers. A tier whose pagers are all offline or off shift is
 * skipped, so an unstaffed counter goes straight to the manager.
 */
export function nextStaffedTier(tiers: Tiers, afterIndex: number, isAvailable: (pager: string) => boolean): TierChoice | null {
  for (let index = afterIndex + 1; index < tiers.length; index++) {
    const pagers = tiers[index].filter(isAvailable);
    if (pagers.length > 0) return { index, pagers };
  }
  return null;
}
