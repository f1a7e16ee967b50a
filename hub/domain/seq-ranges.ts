// A set of press sequence numbers kept as runs of consecutive numbers. A
// button numbers its presses upward, so the presses of one incident are
// nearly always one run: an incident that a customer keeps pressing for an
// hour holds two numbers, not thousands (a Set held every one of them, and
// an open incident's memory grew with each press it counted).
export class SeqRanges {
  /** Disjoint, non-adjacent runs [from, to], in order. */
  private readonly runs: [number, number][] = [];

  constructor(seqs: Iterable<number> = []) {
    for (const seq of seqs) this.add(seq);
  }

  has(seq: number): boolean {
    const i = this.runAtOrBefore(seq);
    return i >= 0 && seq <= this.runs[i][1];
  }

  add(seq: number): void {
    const i = this.runAtOrBefore(seq);
    if (i >= 0 && seq <= this.runs[i][1]) return;
    const joinsLeft = i >= 0 && this.runs[i][1] === seq - 1;
    const joinsRight = i + 1 < this.runs.length && this.runs[i + 1][0] === seq + 1;
    if (joinsLeft && joinsRight) {
      this.runs[i][1] = this.runs[i + 1][1];
      this.runs.splice(i + 1, 1);
    } else if (joinsLeft) this.runs[i][1] = seq;
    else if (joinsRight) this.runs[i + 1][0] = seq;
    else this.runs.splice(i + 1, 0, [seq, seq]);
  }

  delete(seq: number): void {
    const i = this.runAtOrBefore(seq);
    if (i < 0 || seq > this.runs[i][1]) return;
    const [from, to] = this.runs[i];
    if (from === to) this.runs.splice(i, 1);
    else if (seq === from) this.runs[i][0] = seq + 1;
    else if (seq === to) this.runs[i][1] = seq - 1;
    else this.runs.splice(i, 1, [from, seq - 1], [seq + 1, to]);
  }

  /** How many runs it holds (what it costs in memory). */
  get runCount(): number {
    return this.runs.length;
  }

  /** The index of the last run starting at or before `seq`, or -1. */
  private runAtOrBefore(seq: number): number {
    let [lo, hi] = [0, this.runs.length - 1];
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.runs[mid][0] <= seq) lo = mid + 1;
      else hi = mid - 1;
    }
    return hi;
  }
}
