import type { PageRequest } from '@causeloop/proto/causeloop/common/v1/pagination_pb.js';
import { decodeCursor, encodeCursor, type DerivedKeys } from './derived-keys.js';
import { invalidField } from './errors.js';

export const defaultPageSize = 25;
export const maxPageSize = 100;

export interface Page {
  readonly limit: number;
  readonly afterId: string | undefined;
}

/** Limit 1–100 (0: 25) and the id after which to continue, from a signed cursor. */
export function readPage(keys: DerivedKeys, list: string, page: PageRequest | undefined): Page {
  const limit = page === undefined || page.limit === 0 ? defaultPageSize : page.limit;
  if (limit < 1 || limit > maxPageSize) throw invalidField('page.limit', `must be from 1 to ${maxPageSize}`);
  if (page === undefined || page.cursor === '') return { limit, afterId: undefined };
  const afterId = decodeCursor(keys, list, page.cursor);
  if (afterId === undefined) throw invalidField('page.cursor', 'is not a cursor from this list');
  return { limit, afterId };
}

/** Query `limit + 1` rows; this trims the extra one and says whether more exist. */
export function writePage<T extends { id: string }>(
  keys: DerivedKeys,
  list: string,
  rows: readonly T[],
  limit: number,
): { data: T[]; page: { nextCursor: string; hasMore: boolean } } {
  const hasMore = rows.length > limit;
  const data = rows.slice(0, limit);
  const last = data.at(-1);
  return {
    data,
    page: { hasMore, nextCursor: hasMore && last !== undefined ? encodeCursor(keys, list, last.id) : '' },
  };
}
