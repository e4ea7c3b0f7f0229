/**
 * Function declarations as a Live session must send them: parameters as the SDK's `Schema`
 * (`parameters`), since Live is reported to ignore `parametersJsonSchema` and leave the model
 * guessing argument names, and an explicit `behavior`, since an omitted one means `NON_BLOCKING`
 * on `gemini-3.8-live` and `BLOCKING` on the models before it.
 */
import { Behavior, type FunctionDeclaration, type Schema, Type } from '@google/genai';

/** JSON Schema `type` names and the `Type` each becomes. */
const TYPES: Readonly<Record<string, Type>> = {
  object: Type.OBJECT,
  string: Type.STRING,
  number: Type.NUMBER,
  integer: Type.INTEGER,
  boolean: Type.BOOLEAN,
  array: Type.ARRAY,
  null: Type.NULL,
};

/** Keywords copied as they are (same name and meaning in `Schema`). */
const COPIED = ['description', 'title', 'format', 'enum', 'pattern', 'default', 'example', 'required', 'propertyOrdering'] as const;
/** Numeric keywords, which `Schema` types as numbers or as strings (int64). */
const NUMBERS = ['minimum', 'maximum'] as const;
const COUNTS = ['minItems', 'maxItems', 'minLength', 'maxLength', 'minProperties', 'maxProperties'] as const;
/** Keywords with nothing to carry to the model (annotations). */
const IGNORED = new Set(['$schema', '$id', 'additionalProperties', 'examples', '$comment']);
/** Deepest nesting converted: the caller's schema, but a cycle through shared objects must end. */
const MAX_DEPTH = 32;

/**
 * A declaration for a Live session: `parametersJsonSchema` rewritten as `parameters`, and
 * `behavior` set (`fallback` when the declaration has none).
 *
 * @throws {TypeError} the JSON Schema uses a keyword `Schema` cannot express (the message says to declare `parameters`).
 */
export function liveDeclaration(declaration: FunctionDeclaration, fallback: Behavior): FunctionDeclaration {
  const { parametersJsonSchema, ...rest } = declaration;
  const converted: FunctionDeclaration = { ...rest, behavior: declaration.behavior ?? fallback };
  if (parametersJsonSchema !== undefined && declaration.parameters === undefined) {
    converted.parameters = toSchema(parametersJsonSchema, `the parameters of ${declaration.name ?? 'a function'}`, 0);
  }
  return converted;
}

/** True when the declaration is sent as `NON_BLOCKING`: the responses to its calls then carry a `scheduling`. */
export function isNonBlocking(declaration: FunctionDeclaration): boolean {
  return declaration.behavior === Behavior.NON_BLOCKING;
}

function toSchema(json: unknown, where: string, depth: number): Schema {
  if (depth > MAX_DEPTH) throw new TypeError(`${where} nests deeper than ${MAX_DEPTH} levels`);
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new TypeError(`${where} is not a JSON Schema object`);
  const schema: Schema = {};
  const source = json as Record<string, unknown>;
  for (const [key, value] of Object.entries(source)) {
    if (key === 'type') Object.assign(schema, typeOf(value, where));
    else if (key === 'properties') schema.properties = propertiesOf(value, where, depth);
    else if (key === 'items') schema.items = toSchema(value, `${where} (items)`, depth + 1);
    else if (key === 'anyOf') schema.anyOf = listOf(value, `${where} (anyOf)`, depth);
    else if (key === 'nullable') schema.nullable = value === true;
    else if ((COPIED as readonly string[]).includes(key)) (schema as Record<string, unknown>)[key] = structuredClone(value);
    else if ((NUMBERS as readonly string[]).includes(key)) (schema as Record<string, unknown>)[key] = Number(value);
    else if ((COUNTS as readonly string[]).includes(key)) (schema as Record<string, unknown>)[key] = String(value);
    else if (!IGNORED.has(key)) {
      throw new TypeError(
        `${where} uses the JSON Schema keyword "${key}", which a Live session cannot send: declare parameters (the SDK's Schema, type: Type.OBJECT …) instead of parametersJsonSchema`,
      );
    }
  }
  return schema;
}

/** `type: "x"` or `type: ["x", "null"]` (nullable). */
function typeOf(value: unknown, where: string): Pick<Schema, 'type' | 'nullable'> {
  const names = Array.isArray(value) ? value : [value];
  const nullable = names.includes('null') && names.length > 1;
  const rest = names.filter((name) => !(nullable && name === 'null'));
  const type = rest.length === 1 && typeof rest[0] === 'string' ? TYPES[rest[0]] : undefined;
  if (!type) throw new TypeError(`${where} has a type Live cannot express: ${JSON.stringify(value)}`);
  return { type, ...(nullable && { nullable: true }) };
}

function propertiesOf(value: unknown, where: string, depth: number): Record<string, Schema> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new TypeError(`${where} has properties that are not an object`);
  return Object.fromEntries(Object.entries(value).map(([name, schema]) => [name, toSchema(schema, `${where} (property ${name})`, depth + 1)]));
}

function listOf(value: unknown, where: string, depth: number): Schema[] {
  if (!Array.isArray(value)) throw new TypeError(`${where} is not a list`);
  return value.map((schema) => toSchema(schema, where, depth + 1));
}
