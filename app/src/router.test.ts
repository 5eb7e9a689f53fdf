import { describe, expect, it } from 'vitest';
import { matchRoute } from './router.ts';
import { parseConfig } from './config.ts';

describe('app - routes and config', () => {
  it('maps hashes to pages with their parameters', () => {
    expect(matchRoute('')).toEqual({ name: 'receipts', params: {} });
    expect(matchRoute('#/wallet')).toEqual({ name: 'wallet', params: {} });
    const id = '0b9e8a8e-1c5f-4a61-9a55-2f1d1a0c3b7e';
    expect(matchRoute(`#/receipts/${id}`)).toEqual({ name: 'receipt', params: { id } });
    expect(matchRoute('#/receipts/not-an-id')).toBeNull();
    expect(matchRoute('#/nowhere')).toBeNull();
  });

  it('config needs the API URL and the anon key', () => {
    expect(parseConfig({ SUPABASE_URL: 'http://x:1/', SUPABASE_ANON_KEY: 'k' })).toEqual({
      supabaseUrl: 'http://x:1',
      supabaseAnonKey: 'k',
    });
    expect(() => parseConfig({ SUPABASE_ANON_KEY: 'k' })).toThrow('SUPABASE_URL');
    expect(() => parseConfig({ SUPABASE_URL: 'http://x' })).toThrow('SUPABASE_ANON_KEY');
  });
});
