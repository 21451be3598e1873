import fastJson from 'fast-json-stringify';
import type { FastifySerializerCompiler } from 'fastify/types/schema.js';
import { serializerCompiler as zodSerializerCompiler } from 'fastify-type-provider-zod';
import { z } from 'zod';

type Serialize = (data: unknown) => string;
type RouteSchema = Parameters<FastifySerializerCompiler<z.ZodType>>[0];

/** One compiled serializer per response schema object (shared schemas such as problem+json compile once). */
const compiled = new WeakMap<object, Serialize>();

/**
 * Response serialization from the same Zod schemas, compiled to JSON Schema and then to a
 * dedicated stringifier (fast-json-stringify, Fastify's own), instead of re-validating every
 * response with Zod and copying it before `JSON.stringify`. The schema still decides what
 * leaves the server: properties it does not declare are dropped, a missing required one fails
 * the response. Schemas JSON Schema cannot express (transforms, custom types) keep the Zod path.
 * Compilation happens on a route's first response, not at start-up (tests build the app often).
 */
export const responseSerializerCompiler: FastifySerializerCompiler<z.ZodType> = (route) => {
  let serialize: Serialize | undefined;
  return (data: unknown) => {
    serialize ??= compile(route);
    return serialize(data);
  };
};

function compile(route: RouteSchema): Serialize {
  const schema = route.schema instanceof z.ZodType ? route.schema : undefined;
  if (!schema) return zodSerializerCompiler(route) as Serialize;
  const cached = compiled.get(schema);
  if (cached) return cached;
  let serialize: Serialize;
  try {
    const { $schema: _draft, ...json } = z.toJSONSchema(schema, { io: 'output', unrepresentable: 'throw', target: 'draft-7' }) as Record<string, unknown>;
    serialize = fastJson(simplifyNullable(json) as Parameters<typeof fastJson>[0]) as Serialize;
  } catch {
    // Not cached: the Zod serializer names its route in errors, and shared schemas serve many routes.
    return zodSerializerCompiler(route) as Serialize;
  }
  compiled.set(schema, serialize);
  return serialize;
}

/**
 * Zod writes `x.nullable()` as `anyOf: [x, {type: "null"}]`, which fast-json-stringify can only
 * serve by validating each branch at run time; `type: [t, "null"]` is the same schema and
 * compiles to a plain null check.
 */
export function simplifyNullable(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(simplifyNullable);
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) out[k] = simplifyNullable(v);
  const anyOf = out.anyOf;
  if (Array.isArray(anyOf) && anyOf.length === 2) {
    const nullIndex = anyOf.findIndex((b) => isPlainNull(b));
    const other = anyOf[1 - nullIndex] as Record<string, unknown> | undefined;
    if (nullIndex >= 0 && other && typeof other.type === 'string' && !('anyOf' in other || 'oneOf' in other || 'allOf' in other || 'const' in other)) {
      const { anyOf: _union, ...rest } = out;
      return { ...rest, ...other, type: [other.type, 'null'], ...(Array.isArray(other.enum) ? { enum: [...(other.enum as unknown[]), null] } : {}) };
    }
  }
  return out;
}

function isPlainNull(b: unknown): boolean {
  return typeof b === 'object' && b !== null && (b as { type?: unknown }).type === 'null' && Object.keys(b).length === 1;
}
