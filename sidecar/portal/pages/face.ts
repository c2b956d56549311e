import type { FastifyRequest } from 'fastify';
import type { PreSessions } from '../../domain/accounts/pre-sessions';
import type { NavLink, PageFace } from '../../pages/kit';
import { viewerOf } from '../auth';

const SIGNED_IN_NAV: NavLink[] = [
  { href: '/apis', label: 'APIs' },
  { href: '/apps', label: 'My Apps' },
  { href: '/account', label: 'Account' },
];
const ANONYMOUS_NAV: NavLink[] = [
  { href: '/apis', label: 'APIs' },
  { href: '/login', label: 'Sign in' },
  { href: '/register', label: 'Sign up' },
];

/** The developer portal as the page kit shows it: its name, navigation and form tokens. */
export function portalPageFace(ownOrigin: string, preSessions: PreSessions): PageFace {
  return {
    face: 'portal',
    product: 'Developer Portal',
    home: '/',
    signOutAction: '/logout',
    assetPrefix: '/assets/',
    ownOrigin,
    secureCookies: ownOrigin.startsWith('https:'),
    preSessions,
    sessionToken: (request: FastifyRequest) => request.portalSession?.session.csrfToken,
    nav: (request) => (viewerOf(request) ? SIGNED_IN_NAV : ANONYMOUS_NAV),
    viewer: (request) => {
      const developer = viewerOf(request);
      return developer && { name: developer.full_name };
    },
  };
}
