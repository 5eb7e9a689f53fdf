// The inbound webhooks as route descriptors for the OpenAPI document (http/openapi.ts): the
// payloads are the zod schemas the handlers parse deliveries with (events.ts), never restated.
import { z } from 'npm:zod@^3.24.4';
import { errorBody } from '../../http/contract.ts';
import { type ApiRoute, errorResponses, named } from '../../http/openapi.ts';
import {
  momoCallbackSchema,
  revolutEventSchema,
  stripeEventSchema,
  webhookAckBody,
  whatsappSchema,
} from './events.ts';

const ErrorJson = named('Error', errorBody);
const stored = {
  200: {
    description: 'Verified and stored (once per provider event id)',
    body: named('WebhookAck', webhookAckBody),
  },
  ...errorResponses(ErrorJson, 400, 401, 404, 413, 429),
};
const momoCallback: Omit<ApiRoute, 'method'> = {
  path: '/payments-webhook/momo',
  summary: 'MTN MoMo request-to-pay / transfer callbacks. Unsigned by MoMo: the callback URL ' +
    'carries the credential (sig = HMAC of product and reference, see momo-callback.ts)',
  auth: 'public',
  query: z.object({
    product: z.enum(['collection', 'disbursement']),
    ref: z.string().uuid().describe('The X-Reference-Id of the request'),
    sig: z.string().regex(/^[0-9a-f]{64}$/).describe('HMAC-SHA256 hex, issued with the URL'),
  }),
  body: named('MomoCallback', momoCallbackSchema),
  responses: stored,
};

export const webhookApiRoutes: ApiRoute[] = [
  {
    method: 'post',
    path: '/payments-webhook',
    summary: 'Stripe events (Stripe-Signature verified on the raw body)',
    auth: 'public',
    headers: [{ name: 'Stripe-Signature', required: true }],
    body: named('StripeEvent', stripeEventSchema),
    responses: stored,
  },
  { method: 'post', ...momoCallback },
  { method: 'put', ...momoCallback },
  {
    method: 'post',
    path: '/payments-webhook/revolut',
    summary: 'Revolut Business events (Revolut-Signature over v1.<timestamp>.<raw body>)',
    auth: 'public',
    headers: [
      { name: 'Revolut-Signature', required: true },
      { name: 'Revolut-Request-Timestamp', required: true, description: 'Unix milliseconds' },
    ],
    body: named('RevolutEvent', revolutEventSchema),
    responses: stored,
  },
  {
    method: 'get',
    path: '/messaging-webhook',
    summary: 'WhatsApp verification handshake (hub.challenge)',
    auth: 'public',
    responses: { 200: { description: 'The challenge' }, ...errorResponses(ErrorJson, 403) },
  },
  {
    method: 'post',
    path: '/messaging-webhook',
    summary: 'WhatsApp Cloud API notifications (X-Hub-Signature-256 verified)',
    auth: 'public',
    headers: [{ name: 'X-Hub-Signature-256', required: true }],
    body: named('WhatsAppNotification', whatsappSchema),
    responses: stored,
  },
];
