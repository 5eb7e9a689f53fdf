// Shapes every HTTP surface shares, as zod schemas: the OpenAPI document is generated from these
// and the domains' own contract modules (supabase/functions/ops/openapi.ts), never written twice.
import { z } from 'npm:zod@^3.24.4';

/** Every 4xx/5xx body (http/errors.ts). */
export const errorBody = z.object({
  error: z.string().describe('Stable machine-readable code, e.g. receipt_not_found'),
  message: z.string().describe('Sentence for humans'),
  correlation_id: z.string().optional().describe('Present on 500s: quote it to support'),
});
