import type { Store } from '../../store';
import type { RegistrationOfApplication } from '../../store/console-views';
import type { ApplicationView } from '../../store/portal-views';
import { type PageQuery, listPage } from '../shapes/common';

/** An application as the console's Applications page lists it, with every registration it holds. */
export type ApplicationOverview = ApplicationView & { registrations: RegistrationOfApplication[] };

/** The console's joined lists: registration requests (pending first) and every application with its registrations. */
export function consoleViews(store: Store) {
  return {
    registrationRequests: (query: PageQuery) => listPage(query, (page) => store.consoleViews.registrationRequests(page), (r) => r),
    applications: (query: PageQuery) =>
      listPage(
        query,
        async (page) => {
          const applications = await store.portalViews.applications(page);
          const registrations = await store.consoleViews.registrationsOf(applications.items.map((a) => a.id));
          const items: ApplicationOverview[] = applications.items.map((a) => ({ ...a, registrations: registrations.filter((r) => r.application_id === a.id) }));
          return { ...applications, items };
        },
        (a) => a,
      ),
  };
}

export type ConsoleViews = ReturnType<typeof consoleViews>;
