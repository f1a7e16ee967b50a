// A run of yes/no checks: how many were made, and what failed, for a chaos class's report.
export interface ChecklistResult {
  checks: number;
  passed: boolean;
  problems: string[];
}

export class Checklist {
  private count = 0;
  private readonly problems: string[] = [];

  /** Records one check; `what` is reported when `ok` is false. */
  check(ok: boolean, what: string): void {
    this.count++;
    if (!ok) this.problems.push(what);
  }

  result(): ChecklistResult {
    return { checks: this.count, passed: this.problems.length === 0, problems: [...this.problems] };
  }
}
