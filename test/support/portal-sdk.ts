/** Kong's portal SDK against the portal listener, as a browser on one host calls it. */
import axios, { type AxiosInstance } from 'axios';

/** An axios instance that keeps the cookies the portal sets, as a browser on one host does. */
export function browserLikeClient(baseURL: string): AxiosInstance {
  const jar = new Map<string, string>();
  const client = axios.create({ baseURL, headers: { accept: 'application/json' } });
  client.interceptors.request.use((config) => {
    if (jar.size > 0) config.headers.set('cookie', [...jar].map(([name, value]) => `${name}=${value}`).join('; '));
    return config;
  });
  const keep = (headers: Record<string, unknown> | undefined) => {
    for (const line of (headers?.['set-cookie'] as string[] | undefined) ?? []) {
      const [pair = ''] = line.split(';');
      const [name = '', value = ''] = pair.split('=');
      if (value === '') jar.delete(name);
      else jar.set(name, value);
    }
  };
  client.interceptors.response.use(
    (response) => {
      keep(response.headers as Record<string, unknown>);
      return response;
    },
    (error: { response?: { headers?: Record<string, unknown> } }) => {
      keep(error.response?.headers);
      return Promise.reject(error);
    },
  );
  return client;
}

export const statusOf = (promise: Promise<unknown>) =>
  promise.then(
    () => 'resolved',
    (error: { response?: { status: number } }) => error.response?.status,
  );
