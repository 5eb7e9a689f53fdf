import assert from 'node:assert/strict';
import { z } from 'npm:zod@^3.24.4';
import { type ApiRoute, buildOpenApi, errorResponses, named } from './openapi.ts';

const Thing = named('Thing', z.object({ id: z.string().uuid(), n: z.number().int() }));
const Err = named('Error', z.object({ error: z.string(), message: z.string() }));
const route: ApiRoute = {
  method: 'post',
  path: '/things/{id}',
  summary: 'Update a thing',
  auth: 'user',
  pathParams: { id: z.string().uuid() },
  query: z.object({ dry_run: z.enum(['true']).optional(), limit: z.coerce.number().int() }),
  headers: [{ name: 'Idempotency-Key', required: true }],
  body: named('ThingRequest', z.object({ n: z.number().int() }).strict()),
  responses: { 200: { description: 'The thing', body: Thing }, ...errorResponses(Err, 400, 404) },
};
type Doc = {
  paths: Record<string, Record<string, Record<string, unknown>>>;
  components: { schemas: Record<string, Record<string, unknown>> };
};

Deno.test('openapi builder - a descriptor becomes an operation with parameters, body, responses and named schemas', () => {
  const doc = buildOpenApi({ info: { title: 't' }, serverUrl: '/x', routes: [route] }) as Doc;
  const op = doc.paths['/things/{id}'].post;
  assert.deepEqual(op.security, [{ userJwt: [] }]);
  assert.deepEqual(
    (op.parameters as { name: string; in: string; required: boolean }[])
      .map((p) => [p.name, p.in, p.required]),
    [['id', 'path', true], ['dry_run', 'query', false], ['limit', 'query', true], [
      'Idempotency-Key',
      'header',
      true,
    ]],
  );
  assert.deepEqual(op.requestBody, {
    required: true,
    content: { 'application/json': { schema: { $ref: '#/components/schemas/ThingRequest' } } },
  });
  const responses = op.responses as Record<string, { content: Record<string, unknown> }>;
  assert.deepEqual(responses[404].content['application/json'], {
    schema: { $ref: '#/components/schemas/Error' },
  });
  assert.equal(doc.components.schemas.Thing.additionalProperties, false);
  assert.deepEqual(Object.keys(doc.components.schemas).sort(), ['Error', 'Thing', 'ThingRequest']);
});

Deno.test('openapi builder - a route described twice, or two schemas under one name, is refused', () => {
  assert.throws(
    () => buildOpenApi({ info: {}, serverUrl: '/', routes: [route, route] }),
    /described twice/,
  );
  const other = { ...route, method: 'get' as const, body: named('Thing', z.string()) };
  assert.throws(
    () => buildOpenApi({ info: {}, serverUrl: '/', routes: [route, other] }),
    /Two schemas are named Thing/,
  );
});
