// OpenAPI 3.1 from route descriptors. Each domain lists its HTTP surface as `ApiRoute`s next to
// the zod schemas its routes validate with (`_shared/<domain>/.../contract.ts`); the ops function
// concatenates the lists (supabase/functions/ops/openapi.ts) and this module turns them into one
// document. A schema is written once, in zod: requests and responses are named components
// generated from it, never copied by hand. Adding a route is adding a descriptor to a list.
import { zodToJsonSchema } from 'npm:zod-to-json-schema@^3.24.0';
import type { AnyZodObject, ZodTypeAny } from 'npm:zod@^3.24.4';

type Json = Record<string, unknown>;

/** A zod schema under the name it has in `components.schemas`. */
export type Named = { name: string; schema: ZodTypeAny };
export const named = (name: string, schema: ZodTypeAny): Named => ({ name, schema });

export type ApiResponse = {
  description: string;
  /** The JSON body's schema. */
  body?: Named;
  /** Other or additional content types, as OpenAPI content objects. */
  content?: Json;
  headers?: Record<string, { description: string; schema?: Json }>;
};

export type ApiRoute = {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** The path under the functions URL, OpenAPI style: `/wallet/transfers/{id}/post`. */
  path: string;
  summary: string;
  /** Who may call it: a signed-in user, the service role, or anyone (signature-checked, public). */
  auth: 'user' | 'operator' | 'public';
  /** Path parameters (each `{name}` of the path) with their schemas; default: a string. */
  pathParams?: Record<string, ZodTypeAny>;
  /** Query parameters from the zod object the route parses the query with. */
  query?: AnyZodObject;
  headers?: { name: string; required: boolean; description?: string }[];
  /** A JSON request body (its zod schema), or any other content. */
  body?: Named | { content: Json; description?: string };
  responses: Record<number, ApiResponse>;
};

/** Something the system sends (OpenAPI `webhooks`). */
export type ApiCallback = { name: string; summary: string; body: Named };

/** JSON Schema (the draft-07 subset OpenAPI 3.1's 2020-12 dialect accepts as is) of a zod type. */
export function jsonSchema(schema: ZodTypeAny): Json {
  const out = zodToJsonSchema(schema, {
    target: 'jsonSchema7',
    $refStrategy: 'none',
    effectStrategy: 'input',
  }) as Json;
  delete out.$schema;
  return out;
}

/** An error response `{error, message}` for each status (the body every 4xx/5xx has). */
export function errorResponses(error: Named, ...statuses: number[]): Record<number, ApiResponse> {
  return Object.fromEntries(
    statuses.map((s) => [s, { description: 'Error `{error, message}`', body: error }]),
  );
}

const SECURITY = {
  user: [{ userJwt: [] }],
  operator: [{ serviceRole: [] }],
  public: undefined,
} as const;

export function buildOpenApi(spec: {
  info: Json;
  serverUrl: string;
  routes: ApiRoute[];
  callbacks?: ApiCallback[];
}): Json {
  const schemas = new Map<string, ZodTypeAny>();
  const ref = ({ name, schema }: Named) => {
    const known = schemas.get(name);
    if (known && known !== schema) throw new Error(`Two schemas are named ${name}`);
    schemas.set(name, schema);
    return { $ref: `#/components/schemas/${name}` };
  };
  const jsonContent = (n: Named) => ({ 'application/json': { schema: ref(n) } });

  const paths: Record<string, Json> = {};
  for (const r of spec.routes) {
    const key = `${r.method} ${r.path}`;
    if (paths[r.path]?.[r.method]) throw new Error(`${key} is described twice`);
    const parameters = [
      ...[...r.path.matchAll(/\{(\w+)\}/g)].map(([, name]) => ({
        name,
        in: 'path',
        required: true,
        schema: r.pathParams?.[name] ? jsonSchema(r.pathParams[name]) : { type: 'string' },
      })),
      ...Object.entries(r.query?.shape ?? {}).map(([name, field]) => ({
        name,
        in: 'query',
        required: !(field as ZodTypeAny).isOptional(),
        schema: jsonSchema(field as ZodTypeAny),
      })),
      ...(r.headers ?? []).map((h) => ({ ...h, in: 'header', schema: { type: 'string' } })),
    ];
    const requestBody = !r.body
      ? undefined
      : 'schema' in r.body
      ? { required: true, content: jsonContent(r.body) }
      : { required: true, ...r.body };
    const responses = Object.fromEntries(
      Object.entries(r.responses).map(([status, res]) => [status, {
        description: res.description,
        ...(res.headers ? { headers: res.headers } : {}),
        ...(res.body || res.content
          ? { content: { ...(res.body ? jsonContent(res.body) : {}), ...res.content } }
          : {}),
      }]),
    );
    paths[r.path] = {
      ...paths[r.path],
      [r.method]: {
        summary: r.summary,
        ...(SECURITY[r.auth] ? { security: SECURITY[r.auth] } : {}),
        ...(parameters.length ? { parameters } : {}),
        ...(requestBody ? { requestBody } : {}),
        responses,
      },
    };
  }
  const webhooks = Object.fromEntries((spec.callbacks ?? []).map((c) => [c.name, {
    post: {
      summary: c.summary,
      requestBody: { content: jsonContent(c.body) },
      responses: { 200: { description: 'Any 2xx' } },
    },
  }]));

  return {
    openapi: '3.1.0',
    info: spec.info,
    servers: [{ url: spec.serverUrl }],
    paths,
    webhooks,
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
      schemas: Object.fromEntries([...schemas].map(([name, s]) => [name, jsonSchema(s)])),
    },
  };
}
