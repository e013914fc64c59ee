export { decodeCursor, deriveCursorKey, encodeCursor } from './signed-cursor.js';
export { defaultPageLimits, readPage, writePage, type Page, type PageLimits } from './page.js';
