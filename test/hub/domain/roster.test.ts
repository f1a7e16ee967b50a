// Staff as people: who wears which pager, and who is scheduled on a day.
import { describe, expect, it } from 'vitest';
import { Roster, type RosterPerson } from '../../../hub/domain/roster.js';

const people: RosterPerson[] = [
  { id: 'anna', name: 'Anna', role: 'staff', pager: 'pgr-1', days: ['mon', 'tue'] },
  { id: 'ben', name: 'Ben', role: 'staff', pager: 'pgr-2' },
  { id: 'maria', name: 'Maria', role: 'manager', pager: 'pgr-m' },
  { id: 'carla', name: 'Carla', role: 'staff' },
];
const labels: Record<string, string> = { 'pgr-1': 'Pager 1', 'pgr-2': 'Pager 2', 'pgr-m': 'Pager M', 'pgr-x': 'Spare' };
const labelOf = (id: string) => labels[id] ?? id;

describe('Roster', () => {
  it("names a pager's wearer, and falls back to the pager's label when nobody wears it", () => {
    const roster = new Roster(people, labelOf);
    expect(['pgr-1', 'pgr-2', 'pgr-m', 'pgr-x'].map((p) => roster.nameOf(p))).toEqual(['Anna', 'Ben', 'Maria', 'Spare']);
    expect(roster.managerPagers(['pgr-1', 'pgr-2', 'pgr-m'])).toEqual(['pgr-m']);
  });

  it('lets someone wear another pager for the day: they leave their own, and the day’s end puts everyone back', () => {
    const roster = new Roster(people, labelOf);
    expect(roster.wear('pgr-x', 'nobody')).toBe('"nobody" is not one of the people in the configuration');
    expect(roster.wear('pgr-2', 'anna')).toBeNull(); // Anna's pager is broken: she takes Ben's spare… Ben's pager
    expect(['pgr-1', 'pgr-2'].map((p) => roster.nameOf(p))).toEqual(['Pager 1', 'Anna']);
    expect(roster.wear('pgr-1', 'carla')).toBeNull(); // Carla stands in on Anna's pager
    expect(roster.nameOf('pgr-1')).toBe('Carla');
    expect(roster.wear('pgr-m', null)).toBeNull(); // nobody wears the manager's pager today
    expect(roster.managerPagers(['pgr-1', 'pgr-2', 'pgr-m'])).toEqual([]);
    expect(roster.swapList()).toEqual([
      { pager: 'pgr-2', personId: 'anna' },
      { pager: 'pgr-1', personId: 'carla' },
      { pager: 'pgr-m', personId: null },
    ]);
    roster.resetSwaps();
    expect(['pgr-1', 'pgr-2', 'pgr-m'].map((p) => roster.nameOf(p))).toEqual(['Anna', 'Ben', 'Maria']);
  });

  it('puts a pager on shift at opening when its wearer works that day; without people, every pager', () => {
    const roster = new Roster(people, labelOf);
    const monday = 1;
    const wednesday = 3;
    expect(['pgr-1', 'pgr-2', 'pgr-x'].map((p) => roster.scheduled(p, monday))).toEqual([true, true, false]);
    expect(['pgr-1', 'pgr-2'].map((p) => roster.scheduled(p, wednesday))).toEqual([false, true]);
    expect(new Roster([], labelOf).scheduled('pgr-x', wednesday)).toBe(true);
  });

  it('drops a swap naming someone no longer configured', () => {
    const roster = new Roster(people, labelOf);
    roster.wear('pgr-x', 'carla');
    roster.reconfigure(people.filter((p) => p.id !== 'carla'), labelOf);
    expect(roster.swapList()).toEqual([]);
    expect(roster.nameOf('pgr-x')).toBe('Spare');
  });
});
