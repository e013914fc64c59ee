/**
 * The well-known development key-encryption key: base64 of SHA-256 of the UTF-8 text
 * "causeloop development key — never use in production" (a unit test recomputes it).
 *
 * The chart (dev values) and the Tiltfile set `CAUSELOOP_MASTER_KEY` to it so a dev
 * cluster starts without a secret to manage. Because it is published here, anything it
 * wraps is readable by anyone: the service refuses it when `NODE_ENV=production`.
 */
export const developmentMasterKey = 'QN1X0xJFrqTG5h9yZ3rAJf2By8KqCz7Uu7yGUBj9eVo=';

/** The text the development key is derived from. */
export const developmentKeySeed = 'causeloop development key — never use in production';
