/// <reference lib="dom" />
// What every page gets: the supabase client (auth), the API, and the navigation helpers.
import type { SupabaseClient } from '@supabase/supabase-js';
import type { Api } from './api.ts';

export type AppContext = {
  supabase: SupabaseClient;
  api: Api;
  /** The signed-in user's id (null on the sign-in page). */
  userId: string | null;
  go(hash: string): void;
};

/** A page draws into `main` and returns what to do when the user leaves it (stop polling). */
export type Page = (
  main: HTMLElement,
  ctx: AppContext,
  params: Record<string, string>,
) => (() => void) | void;
