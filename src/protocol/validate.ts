/**
 * A small hand-written schema checker for messages that cross a trust boundary (the broker socket,
 * the webviews). Every object schema is closed: a field it does not name is an error, so a client
 * cannot smuggle in something a later version might act on.
 */
export type Schema =
  | { readonly kind: 'string'; readonly maxLength: number; readonly minLength?: number; readonly pattern?: RegExp }
  | { readonly kind: 'number'; readonly min?: number; readonly max?: number; readonly integer?: boolean }
  | { readonly kind: 'boolean' }
  /** Any JSON value; only its size is bounded, by the message limit. */
  | { readonly kind: 'json' }
  | { readonly kind: 'literal'; readonly values: readonly (string | number)[] }
  | { readonly kind: 'array'; readonly items: Schema; readonly maxItems: number }
  | { readonly kind: 'object'; readonly fields: Readonly<Record<string, Schema>>; readonly optional?: readonly string[]; readonly open?: boolean }
  | { readonly kind: 'union'; readonly tag: string; readonly variants: Readonly<Record<string, Schema>> };

export const str = (maxLength: number, extra: { minLength?: number; pattern?: RegExp } = {}): Schema => ({ kind: 'string', maxLength, ...extra });
export const num = (extra: { min?: number; max?: number; integer?: boolean } = {}): Schema => ({ kind: 'number', ...extra });
export const bool: Schema = { kind: 'boolean' };
export const json: Schema = { kind: 'json' };
export const oneOf = (...values: (string | number)[]): Schema => ({ kind: 'literal', values });
export const arrayOf = (items: Schema, maxItems: number): Schema => ({ kind: 'array', items, maxItems });
export const obj = (fields: Record<string, Schema>, optional: string[] = []): Schema => ({ kind: 'object', fields, optional });
/** An object whose named fields are checked and whose other fields are let through: only for data Airlock itself produced. */
export const openObj = (fields: Record<string, Schema>, optional: string[] = []): Schema => ({ kind: 'object', fields, optional, open: true });
export const tagged = (tag: string, variants: Record<string, Schema>): Schema => ({ kind: 'union', tag, variants });

/** Returns the first problem found, as `path: what is wrong`, or undefined when `value` fits. */
export function check(schema: Schema, value: unknown, path = '$'): string | undefined {
  switch (schema.kind) {
    case 'string':
      if (typeof value !== 'string') return `${path}: expected a string`;
      if (value.length > schema.maxLength) return `${path}: longer than ${schema.maxLength} characters`;
      if (schema.minLength !== undefined && value.length < schema.minLength) return `${path}: shorter than ${schema.minLength} characters`;
      if (schema.pattern && !schema.pattern.test(value)) return `${path}: not in the expected form`;
      return undefined;
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) return `${path}: expected a finite number`;
      if (schema.integer && !Number.isInteger(value)) return `${path}: expected an integer`;
      if (schema.min !== undefined && value < schema.min) return `${path}: below ${schema.min}`;
      if (schema.max !== undefined && value > schema.max) return `${path}: above ${schema.max}`;
      return undefined;
    case 'boolean':
      return typeof value === 'boolean' ? undefined : `${path}: expected true or false`;
    case 'json':
      return value === undefined ? `${path}: missing` : undefined;
    case 'literal':
      return schema.values.includes(value as string | number) ? undefined : `${path}: expected one of ${schema.values.join(', ')}`;
    case 'array': {
      if (!Array.isArray(value)) return `${path}: expected an array`;
      if (value.length > schema.maxItems) return `${path}: more than ${schema.maxItems} items`;
      for (let i = 0; i < value.length; i++) {
        const problem = check(schema.items, value[i], `${path}[${i}]`);
        if (problem) return problem;
      }
      return undefined;
    }
    case 'object':
      return checkObject(schema, value, path);
    case 'union': {
      if (!isPlainObject(value)) return `${path}: expected an object`;
      const tag = value[schema.tag];
      const variant = typeof tag === 'string' && Object.hasOwn(schema.variants, tag) ? schema.variants[tag] : undefined;
      if (!variant) return `${path}.${schema.tag}: expected one of ${Object.keys(schema.variants).join(', ')}`;
      return check(variant, value, path);
    }
  }
}

function checkObject(schema: Extract<Schema, { kind: 'object' }>, value: unknown, path: string): string | undefined {
  if (!isPlainObject(value)) return `${path}: expected an object`;
  for (const key of schema.open ? [] : Object.keys(value)) {
    if (!Object.hasOwn(schema.fields, key)) return `${path}: unknown field ${JSON.stringify(key.slice(0, 40))}`;
  }
  for (const [key, field] of Object.entries(schema.fields)) {
    const present = Object.hasOwn(value, key) && value[key] !== undefined;
    if (!present) {
      if (schema.optional?.includes(key)) continue;
      return `${path}.${key}: missing`;
    }
    const problem = check(field, value[key], `${path}.${key}`);
    if (problem) return problem;
  }
  return undefined;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** Parses JSON text and checks it, so callers get either a typed value or a reason, never a throw. */
export function parseChecked<T>(schema: Schema, text: string): { ok: true; value: T } | { ok: false; reason: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'not valid JSON' };
  }
  const problem = check(schema, value);
  return problem ? { ok: false, reason: problem } : { ok: true, value: value as T };
}
