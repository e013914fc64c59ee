// Keyset pagination over a sort of several columns, each ascending or descending: the
// order clause, and the condition "after this position" that continues a page exactly
// where the previous one ended (no offset, so any depth costs the same).

export interface KeysetColumn {
  /** SQL of the column, e.g. `i.occurred_at`. */
  readonly expression: string;
  /** Its SQL type, to read a position's value (a JSON string or number) back. */
  readonly type: 'timestamptz' | 'smallint' | 'integer' | 'double precision' | 'uuid';
  readonly direction: 'asc' | 'desc';
}

export function orderBy(columns: readonly KeysetColumn[]): string {
  return columns.map((column) => `${column.expression} ${column.direction}`).join(', ');
}

/**
 * Rows after `position` (one value per column) in the order of `columns`. One row
 * comparison when every column runs the same way (an index serves it as one range),
 * else the expanded form: a > x or (a = x and b > y) ….
 */
export function keysetAfter(columns: readonly KeysetColumn[], position: readonly unknown[], param: (value: unknown) => string): string {
  const values = columns.map((column, index) => `${param(position[index])}::${column.type}`);
  const direction = columns[0]!.direction;
  if (columns.every((column) => column.direction === direction)) {
    const operator = direction === 'desc' ? '<' : '>';
    return `(${columns.map((column) => column.expression).join(', ')}) ${operator} (${values.join(', ')})`;
  }
  const alternatives = columns.map((column, index) => {
    const equal = columns.slice(0, index).map((previous, at) => `${previous.expression} = ${values[at]}`);
    const beyond = `${column.expression} ${column.direction === 'desc' ? '<' : '>'} ${values[index]}`;
    return `(${[...equal, beyond].join(' and ')})`;
  });
  return `(${alternatives.join(' or ')})`;
}

/** A position read back from a cursor: one string or number per column, or undefined when it is not one. */
export function readPosition(text: string, columns: number): unknown[] | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!Array.isArray(parsed) || parsed.length !== columns) return undefined;
  return parsed.every((value) => typeof value === 'string' || typeof value === 'number') ? parsed : undefined;
}

/** Values of a query being built, and `param(value)` to add one and get its `$n`. */
export function queryParameters(): { readonly values: unknown[]; readonly param: (value: unknown) => string } {
  const values: unknown[] = [];
  return { values, param: (value) => `$${values.push(value)}` };
}
