import type { PageRequest } from '@causeloop/proto/causeloop/common/v1/pagination_pb.js';
import { CauseloopError } from '../errors/causeloop-error.js';
import { decodeCursor, encodeCursor } from './signed-cursor.js';

export interface PageLimits {
  /** Used when the request's limit is 0. */
  readonly defaultLimit: number;
  readonly maxLimit: number;
}

/** DESIGN §7's list convention: 1–100 items, 25 when unset. */
export const defaultPageLimits: PageLimits = { defaultLimit: 25, maxLimit: 100 };

export interface Page {
  readonly limit: number;
  /** Where to continue, from a verified cursor; undefined on the first page. */
  readonly after: string | undefined;
}

/** Reads a PageRequest: the limit within bounds and the position of a cursor signed for `list`. */
export function readPage(key: Buffer, list: string, page: PageRequest | undefined, limits: PageLimits = defaultPageLimits): Page {
  const limit = page === undefined || page.limit === 0 ? limits.defaultLimit : page.limit;
  if (limit < 1 || limit > limits.maxLimit) throw invalidPage('page.limit', `must be from 1 to ${limits.maxLimit}`);
  if (page === undefined || page.cursor === '') return { limit, after: undefined };
  const after = decodeCursor(key, list, page.cursor);
  if (after === undefined) throw invalidPage('page.cursor', 'is not a cursor from this list');
  return { limit, after };
}

/**
 * Query `limit + 1` rows; this trims the extra one, says whether more exist and signs the
 * position of the last row kept as the next cursor.
 */
export function writePage<T>(
  key: Buffer,
  list: string,
  rows: readonly T[],
  limit: number,
  positionOf: (row: T) => string,
): { data: T[]; page: { nextCursor: string; hasMore: boolean } } {
  const hasMore = rows.length > limit;
  const data = rows.slice(0, limit);
  const last = data.at(-1);
  return {
    data,
    page: { hasMore, nextCursor: hasMore && last !== undefined ? encodeCursor(key, list, positionOf(last)) : '' },
  };
}

function invalidPage(field: string, description: string): CauseloopError {
  return new CauseloopError('invalid_argument', `${field} ${description}`, { violations: [{ field, description }] });
}
