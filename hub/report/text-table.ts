// Tables for a terminal (loyalty-hub report): columns as wide as their widest
// cell (up to `maxWidth`, longer cells cut with "…"), two spaces between,
// numbers right-aligned, no trailing spaces.

export interface TextTableOptions {
  /** Widest a column may be; longer cells are cut. */
  maxWidth?: number;
  /** Right-aligned columns (numbers). */
  right?: readonly boolean[];
  /** A line of dashes under the header. */
  rule?: boolean;
}

export function textTable(header: string[], rows: string[][], options: TextTableOptions = {}): string {
  const max = options.maxWidth ?? Infinity;
  const widths = header.map((h, i) => Math.min(max, Math.max(h.length, ...rows.map((row) => row[i].length))));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => {
        const fitted = cell.length > widths[i] ? cell.slice(0, widths[i] - 1) + '…' : cell;
        return options.right?.[i] ? fitted.padStart(widths[i]) : fitted.padEnd(widths[i]);
      })
      .join('  ')
      .trimEnd();
  const lines = [line(header), ...(options.rule ? [widths.map((w) => '-'.repeat(w)).join('  ')] : []), ...rows.map(line)];
  return lines.join('\n') + '\n';
}
