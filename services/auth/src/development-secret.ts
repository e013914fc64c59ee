/**
 * The published development `JWT_SECRET`: the chart's dev values, the Tiltfile and tests
 * may use it so a dev cluster starts without a secret to manage. Anyone can read it here,
 * so anyone could mint tokens with it: the service refuses it under NODE_ENV=production.
 */
export const developmentJwtSecret = 'causeloop-development-jwt-secret-never-use-in-production';
