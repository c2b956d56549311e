import type { Store } from '../../store';
import { type PageQuery, listPage } from '../shapes/common';

/** The console's joined lists: registration requests (pending first) and every application with its registrations. */
export function consoleViews(store: Store) {
  return {
    registrationRequests: (query: PageQuery) => listPage(query, (page) => store.consoleViews.registrationRequests(page), (r) => r),
    applications: (query: PageQuery) => listPage(query, (page) => store.consoleViews.applications(page), (a) => a),
  };
}

export type ConsoleViews = ReturnType<typeof consoleViews>;
