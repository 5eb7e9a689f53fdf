/// <reference lib="dom" />
// Calls to the edge functions with the signed-in user's token: JSON in and out, errors as ApiError
// (errors.ts), and uploads through XMLHttpRequest for their progress events.
import type { SupabaseClient } from '@supabase/supabase-js';
import { ApiError, errorFromBody } from './errors.ts';

export type Api = {
  get<T>(path: string): Promise<T>;
  post<T>(path: string, body: unknown, headers?: Record<string, string>): Promise<T>;
  blob(path: string): Promise<Blob>;
  upload<T>(path: string, file: File, onProgress: (fraction: number) => void): Promise<T>;
};

/** `onUnauthorized`: the API refused the session (expired for good, revoked): sign out. */
export function createApi(
  supabase: SupabaseClient,
  supabaseUrl: string,
  anonKey: string,
  onUnauthorized: () => void = () => {},
): Api {
  const base = `${supabaseUrl}/functions/v1`;

  async function headers(extra: Record<string, string> = {}): Promise<Record<string, string>> {
    // getSession refreshes an expired access token first (supabase-js auto-refresh)
    const { data } = await supabase.auth.getSession();
    const token = data.session?.access_token;
    if (!token) throw new ApiError(401, 'unauthorized', 'Not signed in');
    return { Authorization: `Bearer ${token}`, apikey: anonKey, ...extra };
  }

  async function call(path: string, init: RequestInit): Promise<Response> {
    let res: Response;
    try {
      res = await fetch(`${base}${path}`, init);
    } catch {
      throw new ApiError(0, 'network_error', 'Network error');
    }
    if (!res.ok) {
      const body = await res.json().catch(() => ({}));
      if (res.status === 401) onUnauthorized();
      throw errorFromBody(res.status, body);
    }
    return res;
  }

  return {
    async get<T>(path: string) {
      const res = await call(path, { headers: await headers() });
      return (await res.json()) as T;
    },
    async post<T>(path: string, body: unknown, extra: Record<string, string> = {}) {
      const res = await call(path, {
        method: 'POST',
        headers: await headers({ 'Content-Type': 'application/json', ...extra }),
        body: JSON.stringify(body),
      });
      const text = await res.text();
      return (text ? JSON.parse(text) : null) as T;
    },
    async blob(path: string) {
      const res = await call(path, { headers: await headers() });
      return await res.blob();
    },
    async upload<T>(path: string, file: File, onProgress: (fraction: number) => void) {
      const hs = await headers();
      const form = new FormData();
      form.append('file', file, file.name);
      return await new Promise<T>((resolve, reject) => {
        const xhr = new XMLHttpRequest();
        xhr.open('POST', `${base}${path}`);
        for (const [k, v] of Object.entries(hs)) xhr.setRequestHeader(k, v);
        xhr.upload.onprogress = (e) => {
          if (e.lengthComputable) onProgress(e.loaded / e.total);
        };
        xhr.onerror = () => reject(new ApiError(0, 'network_error', 'Network error'));
        xhr.onload = () => {
          let body: unknown = {};
          try {
            body = JSON.parse(xhr.responseText);
          } catch { /* not JSON: the status decides */ }
          if (xhr.status >= 200 && xhr.status < 300) {
            onProgress(1);
            resolve(body as T);
          } else {
            if (xhr.status === 401) onUnauthorized();
            reject(errorFromBody(xhr.status, body));
          }
        };
        xhr.send(form);
      });
    },
  };
}
