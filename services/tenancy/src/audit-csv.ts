/** Columns of the CSV export, in order; also the header row. */
export const auditCsvColumns = [
  'id',
  'created_at',
  'actor_id',
  'actor_kind',
  'actor_name',
  'action',
  'action_category',
  'target_type',
  'target_id',
  'before',
  'after',
  'ip_address',
  'trace_id',
] as const;

// A cell a spreadsheet would evaluate: =, +, - and @ start formulas, and a leading tab or
// carriage return is how the OWASP CSV-injection guidance says those get smuggled past trims.
const formulaStart = /^[=+\-@\t\r]/;

/**
 * One CSV cell (RFC 4180): formula-looking text gets a leading single quote so it opens as
 * text; a cell with a comma, quote, CR or LF is quoted with inner quotes doubled.
 */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = typeof value === 'string' ? value : JSON.stringify(value);
  if (formulaStart.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** A header row and one row per record, CRLF-terminated as RFC 4180 says. */
export function renderCsv(records: readonly Record<string, unknown>[]): string {
  const lines = [auditCsvColumns.join(',')];
  for (const record of records) lines.push(auditCsvColumns.map((column) => csvCell(record[column])).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
