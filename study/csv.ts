// RFC 4180 CSV: fields with a comma, quote or newline are quoted, quotes doubled. Numbers are
// written with full precision (shortest round-trip form) so a table reloads to the same values.

export type CsvValue = string | number | null;

function field(v: CsvValue): string {
  if (v === null) return '';
  const s = typeof v === 'number' ? String(v) : v;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(header: string[], rows: CsvValue[][]): string {
  return [header, ...rows].map((r) => r.map(field).join(',')).join('\n') + '\n';
}
