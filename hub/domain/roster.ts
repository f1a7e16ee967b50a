// Who wears which pager: the staff as people, not devices. A pager's actions
// are logged under the name of whoever wears it at that moment, so renaming
// or removing a pager never rewrites history. Each person has a usual pager;
// for a day someone else may wear it (a swap, a stand-in), until closing.
// Pure: no clock, no storage; the hub persists the day's swaps.

import type { Weekday } from './opening-hours.js';
import { WEEKDAYS } from './opening-hours.js';

export interface RosterPerson {
  id: string;
  name: string;
  role: 'staff' | 'manager';
  /** The pager this person usually wears. */
  pager?: string;
  /** The days they work; undefined: every day the site opens. */
  days?: readonly Weekday[];
}

export class Roster {
  private byId = new Map<string, RosterPerson>();
  /** pager → its usual wearer. */
  private usual = new Map<string, RosterPerson>();
  /** Today's swaps: pager → person id, or null for "nobody wears it". */
  private readonly swaps = new Map<string, string | null>();

  constructor(
    people: readonly RosterPerson[],
    private labelOf: (pager: string) => string,
  ) {
    this.reconfigure(people, labelOf);
  }

  /** New people from a configuration reload; swaps naming someone who left are dropped. */
  reconfigure(people: readonly RosterPerson[], labelOf: (pager: string) => string): void {
    this.labelOf = labelOf;
    this.byId = new Map(people.map((person) => [person.id, person]));
    this.usual = new Map(people.filter((person) => person.pager !== undefined).map((person) => [person.pager!, person]));
    for (const [pager, personId] of this.swaps) if (personId !== null && !this.byId.has(personId)) this.swaps.delete(pager);
  }

  hasPeople(): boolean {
    return this.byId.size > 0;
  }

  person(id: string): RosterPerson | undefined {
    return this.byId.get(id);
  }

  /** Who wears the pager now: today's swap, else its usual wearer. */
  wearerOf(pager: string): RosterPerson | undefined {
    const swapped = this.swaps.get(pager);
    if (swapped === null) return undefined;
    if (swapped !== undefined) return this.byId.get(swapped);
    const usual = this.usual.get(pager);
    // Someone who wears another pager today does not also wear their usual one.
    if (usual && [...this.swaps.values()].includes(usual.id)) return undefined;
    return usual;
  }

  /** The name a pager's action is logged under now: its wearer's, else (no people configured, or nobody wears it) the pager's label. */
  nameOf(pager: string): string {
    return this.wearerOf(pager)?.name ?? this.labelOf(pager);
  }

  /**
   * For the rest of the day `personId` wears `pager` (null: nobody does).
   * Returns why not, or null when done.
   */
  wear(pager: string, personId: string | null): string | null {
    if (personId !== null && !this.byId.has(personId)) return `"${personId}" is not one of the people in the configuration`;
    if (personId !== null) for (const [other, id] of this.swaps) if (id === personId && other !== pager) this.swaps.delete(other);
    if (personId !== null && this.usual.get(pager)?.id === personId) this.swaps.delete(pager);
    else this.swaps.set(pager, personId);
    return null;
  }

  /** The day is over: everyone wears their usual pager again. */
  resetSwaps(): void {
    this.swaps.clear();
  }

  /** Today's swaps, to keep across a restart. */
  swapList(): Array<{ pager: string; personId: string | null }> {
    return [...this.swaps].map(([pager, personId]) => ({ pager, personId }));
  }

  /** Pagers worn by managers now. */
  managerPagers(pagers: readonly string[]): string[] {
    return pagers.filter((pager) => this.wearerOf(pager)?.role === 'manager');
  }

  /**
   * Whether the pager goes on shift at an opening on this ISO weekday (1 =
   * Monday): its wearer works that day. Without any people configured every
   * pager does (the pager's label stands for its wearer); with people, a
   * pager nobody wears does not.
   */
  scheduled(pager: string, weekday: number): boolean {
    if (!this.hasPeople()) return true;
    const wearer = this.wearerOf(pager);
    if (!wearer) return false;
    return wearer.days === undefined || wearer.days.includes(WEEKDAYS[weekday - 1]);
  }
}
