// The OpenAPI 3.1 document of every HTTP endpoint, generated from the zod schemas the functions
// validate and type their bodies with (never written twice). Served at GET /ops/openapi.json;
// `deno run -A supabase/functions/ops/openapi.ts` prints it. Wiring: it may import every domain.
import { zodToJsonSchema } from 'npm:zod-to-json-schema@^3.24.0';
import type { ZodTypeAny } from 'npm:zod@^3.24.4';
import { errorBody } from '../_shared/http/contract.ts';
import {
  alertNotification,
  erasureBody,
  erasureRequest,
  healthBody,
  livenessBody,
  metricsBody,
} from '../_shared/ops/contract.ts';
import {
  organisationListBody,
  organisationOverviewBody,
  replayBody,
  replayRequest,
} from '../_shared/ops/organisation/contract.ts';
import {
  correctionRequest,
  createUploadBody,
  listReceiptsQuery,
  receiptBody,
  receiptPageBody,
  receiptWithEventsBody,
  registerUploadBody,
} from '../_shared/receipts/api/contract.ts';
import {
  stripeEventSchema,
  webhookAckBody,
  whatsappSchema,
} from '../_shared/webhooks/ingest/events.ts';

type Json = Record<string, unknown>;

/** JSON Schema (the draft-07 subset that OpenAPI 3.1's 2020-12 dialect accepts as is) of what a sender puts on the wire. */
export function jsonSchema(schema: ZodTypeAny): Json {
  const out = zodToJsonSchema(schema, {
    target: 'jsonSchema7',
    $refStrategy: 'none',
    effectStrategy: 'input',
  }) as Json;
  delete out.$schema;
  return out;
}

const SCHEMAS = {
  Error: errorBody,
  Receipt: receiptBody,
  ReceiptWithEvents: receiptWithEventsBody,
  ReceiptPage: receiptPageBody,
  CreateUpload: createUploadBody,
  RegisterUpload: registerUploadBody,
  Health: healthBody,
  Liveness: livenessBody,
  Metrics: metricsBody,
  ErasureRequest: erasureRequest,
  Erasure: erasureBody,
  StripeEvent: stripeEventSchema,
  WhatsAppNotification: whatsappSchema,
  WebhookAck: webhookAckBody,
  AlertNotification: alertNotification,
  ReceiptCorrection: correctionRequest,
  OrganisationOverview: organisationOverviewBody,
  OrganisationList: organisationListBody,
  DeadLetterReplayRequest: replayRequest,
  DeadLetterReplay: replayBody,
} as const;

const ref = (name: keyof typeof SCHEMAS) => ({ $ref: `#/components/schemas/${name}` });
const body = (name: keyof typeof SCHEMAS, description: string) => ({
  description,
  content: { 'application/json': { schema: ref(name) } },
});
const errors = (...codes: number[]) =>
  Object.fromEntries(codes.map((c) => [String(c), body('Error', 'Error `{error, message}`')]));

function queryParameters(schema: typeof listReceiptsQuery) {
  return Object.entries(schema.shape).map(([name, field]) => ({
    name,
    in: 'query',
    required: !(field as ZodTypeAny).isOptional(),
    schema: jsonSchema(field as ZodTypeAny),
  }));
}

const user = [{ userJwt: [] }];
const operator = [{ serviceRole: [] }];
const idParam = {
  name: 'id',
  in: 'path',
  required: true,
  schema: { type: 'string', format: 'uuid' },
};

const orgParam = {
  name: 'organisation_id',
  in: 'path',
  required: true,
  schema: { type: 'string', format: 'uuid' },
};

/** The receipts API (supabase/functions/receipts). */
function receiptPaths(): Json {
  return {
    '/receipts': {
      get: {
        summary: 'List receipts the caller may see, newest first',
        security: user,
        parameters: queryParameters(listReceiptsQuery),
        responses: { 200: body('ReceiptPage', 'A page'), ...errors(400, 401, 429) },
      },
      post: {
        summary:
          'Upload a receipt (JPEG, PNG, TIFF, PDF); the same file again names the same receipt',
        security: user,
        parameters: [{
          name: 'Idempotency-Key',
          in: 'header',
          required: false,
          schema: { type: 'string' },
        }],
        requestBody: {
          required: true,
          content: {
            'multipart/form-data': {
              schema: {
                type: 'object',
                required: ['file'],
                properties: {
                  file: { type: 'string', contentMediaType: 'application/octet-stream' },
                  organisation_id: { type: 'string', format: 'uuid' },
                },
              },
            },
          },
        },
        responses: {
          201: body('Receipt', 'Stored and queued for OCR'),
          200: body('Receipt', 'The receipt this file already is'),
          ...errors(400, 401, 403, 413, 415, 422, 429),
        },
      },
    },
    '/receipts/{id}': {
      get: {
        summary:
          'One receipt: status, fields, confidence (events, corrections with ?include=events,corrections)',
        security: user,
        parameters: [idParam, {
          name: 'include',
          in: 'query',
          required: false,
          description: 'Comma-separated: events, corrections',
          schema: { type: 'string', pattern: '^(events|corrections)(,(events|corrections))*$' },
        }],
        responses: { 200: body('ReceiptWithEvents', 'The receipt'), ...errors(400, 401, 404) },
      },
    },
    '/receipts/uploads': {
      post: {
        summary: 'A signed upload URL for a large file',
        security: user,
        requestBody: body('CreateUpload', 'Where the receipt belongs'),
        responses: {
          201: {
            description:
              'Upload URL, method, the exact headers to send, accepted content_types, expiry',
          },
          ...errors(400, 401, 403),
        },
      },
    },
    '/receipts/uploads/{token}': {
      put: {
        summary: 'Upload the bytes to a signed URL (local storage driver)',
        parameters: [{ name: 'token', in: 'path', required: true, schema: { type: 'string' } }],
        requestBody: { content: { 'application/octet-stream': { schema: { type: 'string' } } } },
        responses: { 200: { description: 'Stored' }, ...errors(401, 409, 413) },
      },
    },
    '/receipts/register': {
      post: {
        summary: 'Register a file uploaded through a signed URL',
        security: user,
        requestBody: body('RegisterUpload', 'The staged path'),
        responses: {
          201: body('Receipt', 'Stored and queued for OCR'),
          200: body('Receipt', 'The receipt this file already is'),
          ...errors(400, 401, 403, 404, 409, 415, 422),
        },
      },
    },
  };
}

/** Reviewing a receipt: its file beside the fields, and a person's corrections. */
function receiptReviewPaths(): Json {
  return {
    '/receipts/{id}/file': {
      get: {
        summary: "The receipt's original file (for members of its organisation)",
        security: user,
        parameters: [idParam, {
          name: 'If-None-Match',
          in: 'header',
          required: false,
          schema: { type: 'string' },
        }],
        responses: {
          200: {
            description:
              'The bytes, with the Content-Type they were uploaded as; ETag is the sha256',
            content: {
              'image/jpeg': { schema: { type: 'string', contentMediaType: 'image/jpeg' } },
              'image/png': { schema: { type: 'string', contentMediaType: 'image/png' } },
              'image/tiff': { schema: { type: 'string', contentMediaType: 'image/tiff' } },
              'application/pdf': {
                schema: { type: 'string', contentMediaType: 'application/pdf' },
              },
            },
          },
          304: { description: 'Unchanged (If-None-Match matched the ETag)' },
          ...errors(401, 404),
        },
      },
    },
    '/receipts/{id}/corrections': {
      post: {
        summary:
          'Correct fields a person read differently, and (confirm, default) mark the receipt reviewed',
        description: 'Each changed field is stored with who, when, old and new value (audited); ' +
          'sent fields get confidence 1; a corrected vendor enters the vendor directory with ' +
          'confidence 1 (keyed by the tax id). Money in minor units, as the receipt body.',
        security: user,
        parameters: [idParam],
        requestBody: body('ReceiptCorrection', 'The fields to change'),
        responses: {
          200: body('Receipt', 'The corrected receipt'),
          ...errors(400, 401, 404, 409, 422),
        },
      },
    },
  };
}

/** Health and operations (supabase/functions/health, ops). */
function operationsPaths(): Json {
  return {
    '/health': {
      get: {
        summary: 'Dependencies and overall status (details for the service role)',
        responses: {
          200: body('Health', 'healthy or degraded'),
          503: body('Health', 'unhealthy'),
        },
      },
    },
    '/health/live': {
      get: { summary: 'Liveness probe', responses: { 200: body('Liveness', 'Alive') } },
    },
    '/health/ready': {
      get: {
        summary: 'Readiness probe: every critical dependency up',
        responses: { 200: body('Health', 'Ready'), 503: body('Health', 'Not ready') },
      },
    },
    '/ops/metrics': {
      get: {
        summary:
          'Operations metrics (JSON, or Prometheus text with Accept: text/plain or ?format=prometheus)',
        security: operator,
        parameters: [{
          name: 'format',
          in: 'query',
          required: false,
          schema: { enum: ['json', 'prometheus'] },
        }],
        responses: {
          200: {
            description: 'Metrics',
            content: {
              'application/json': { schema: ref('Metrics') },
              'text/plain': { schema: { type: 'string' } },
            },
          },
          ...errors(401, 403),
        },
      },
    },
    '/ops/organisations': {
      get: {
        summary:
          "The signed-in user's organisations, their role, and whether they may operate them",
        security: user,
        responses: { 200: body('OrganisationList', 'The organisations'), ...errors(401, 403) },
      },
    },
    '/ops/organisations/{organisation_id}/overview': {
      get: {
        summary:
          "An organisation's operations: its queue, its dead letters, the pipeline's alerts, health",
        description: "For the organisation's owners and admins (their access token) and the " +
          'service role. 403 for other members, 404 for anyone else.',
        security: [...user, ...operator],
        parameters: [orgParam],
        responses: {
          200: body('OrganisationOverview', 'The overview'),
          ...errors(400, 401, 403, 404),
        },
      },
    },
    '/ops/organisations/{organisation_id}/dead-letters/replay': {
      post: {
        summary: "Replay the organisation's dead letters among the ids (others are skipped)",
        description:
          'Each replayed receipt goes back to pending with a fresh attempt budget; its ' +
          'replayed event records who asked.',
        security: [...user, ...operator],
        parameters: [orgParam],
        requestBody: body('DeadLetterReplayRequest', 'The receipts to replay'),
        responses: {
          200: body('DeadLetterReplay', 'What was replayed'),
          ...errors(400, 401, 403, 404),
        },
      },
    },
    '/ops/erasure': {
      post: {
        summary: 'GDPR erasure of one person',
        security: operator,
        requestBody: body('ErasureRequest', 'Whom to erase'),
        responses: { 200: body('Erasure', 'Erased'), ...errors(400, 401, 403, 404) },
      },
    },
  };
}

/** Inbound provider webhooks (payments-webhook, messaging-webhook). */
function webhookPaths(): Json {
  return {
    '/payments-webhook': {
      post: {
        summary: 'Stripe events (Stripe-Signature verified on the raw body)',
        parameters: [{
          name: 'Stripe-Signature',
          in: 'header',
          required: true,
          schema: { type: 'string' },
        }],
        requestBody: body('StripeEvent', 'A Stripe event'),
        responses: { 200: body('WebhookAck', 'Stored'), ...errors(400, 401, 413, 429) },
      },
    },
    '/messaging-webhook': {
      get: {
        summary: 'WhatsApp verification handshake (hub.challenge)',
        responses: { 200: { description: 'The challenge' }, ...errors(403) },
      },
      post: {
        summary: 'WhatsApp Cloud API notifications (X-Hub-Signature-256 verified)',
        parameters: [{
          name: 'X-Hub-Signature-256',
          in: 'header',
          required: true,
          schema: { type: 'string' },
        }],
        requestBody: body('WhatsAppNotification', 'A notification'),
        responses: { 200: body('WebhookAck', 'Stored'), ...errors(400, 401, 413, 429) },
      },
    },
  };
}

export function buildOpenApi(serverUrl = '/functions/v1'): Json {
  return {
    openapi: '3.1.0',
    info: {
      title: 'tallyq',
      version: '1',
      description: 'Receipts in, trustworthy records out. Every error is `{error, message}` JSON.',
    },
    servers: [{ url: serverUrl }],
    paths: {
      ...receiptPaths(),
      ...receiptReviewPaths(),
      ...operationsPaths(),
      ...webhookPaths(),
    },
    webhooks: {
      alert: {
        post: {
          summary:
            'Sent by the database (pg_net) to the Vault URL tallyq_alert_webhook_url when an alert fires or resolves',
          requestBody: body('AlertNotification', 'One alert change'),
          responses: { 200: { description: 'Any 2xx' } },
        },
      },
    },
    components: {
      securitySchemes: {
        userJwt: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'Supabase Auth access token',
        },
        serviceRole: {
          type: 'http',
          scheme: 'bearer',
          description: 'service_role key (operators)',
        },
      },
      schemas: Object.fromEntries(
        Object.entries(SCHEMAS).map(([name, s]) => [name, jsonSchema(s)]),
      ),
    },
  };
}

if (import.meta.main) console.log(JSON.stringify(buildOpenApi(), null, 2));
