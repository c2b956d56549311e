import type { Developer } from '../store/records';

/** Who makes a call, as the domain needs to know it: the admin reaches everything, a developer their own. */
export type Caller = { role: 'admin' } | { role: 'developer'; developer: Developer };
