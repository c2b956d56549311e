import { PORTAL } from '../defaults';
/**
 * The sidecar serves one portal. Konnect's APIs name portals and organizations by id, so both have fixed ids
 * (any UUID would do; these never change, so clients may keep them).
 */
export const PORTAL_ID = PORTAL.id;
export const ORG_ID = '0d9c8b7a-6f5e-4d3c-8b2a-1f0e9d8c7b6a';
