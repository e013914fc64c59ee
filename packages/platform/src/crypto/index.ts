export { encodeAssociatedData } from './associated-data.js';
export {
  commitmentBytes,
  keyBytes,
  nonceBytes,
  open,
  OpenFailure,
  prepareKey,
  seal,
  sealOverheadBytes,
  tagBytes,
  type OpenFailureReason,
  type OpenOptions,
  type PreparedKey,
  type SealOptions,
} from './committing-aead.js';
export { canonicalJson, type CanonicalJsonValue } from './canonical-json.js';
