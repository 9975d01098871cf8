type Json = string | number | boolean | null | readonly Json[] | { readonly [key: string]: Json };

const WIDTH = 120;

const isList = (value: Json): value is readonly Json[] => Array.isArray(value);

const isLeafObject = (value: Json): value is { readonly [key: string]: Json } =>
  typeof value === 'object' &&
  value !== null &&
  !Array.isArray(value) &&
  Object.values(value).every((item) => typeof item !== 'object' || item === null);

function inline(value: Json): string {
  if (isList(value)) return `[${value.map(inline).join(', ')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).map(([key, item]) => `${JSON.stringify(key)}: ${inline(item)}`);
    return entries.length === 0 ? '{}' : `{ ${entries.join(', ')} }`;
  }
  return JSON.stringify(value);
}

/**
 * JSON laid out as prettier lays it out (the repository's format check reads fixtures too):
 * objects one key a line, except objects of plain values that fit on a line; arrays on one line
 * when they fit and hold no more than one object.
 */
export function jsonText(value: Json, indent = 0, prefix = 0): string {
  const pad = ' '.repeat(indent);
  const fits = (text: string) => indent + prefix + text.length + 1 <= WIDTH;
  if (isList(value)) {
    const objects = value.filter((item) => typeof item === 'object' && item !== null).length;
    const flat = inline(value);
    if (
      value.length === 0 ||
      (objects <= 1 && value.every((item) => typeof item !== 'object' || isLeafObject(item)) && fits(flat))
    )
      return flat;
    return `[\n${value.map((item) => `${pad}  ${jsonText(item, indent + 2)}`).join(',\n')}\n${pad}]`;
  }
  if (typeof value === 'object' && value !== null) {
    const flat = inline(value);
    if (isLeafObject(value) && fits(flat)) return flat;
    const entries = Object.entries(value).map(([key, item]) => {
      const label = `${JSON.stringify(key)}: `;
      return `${pad}  ${label}${jsonText(item, indent + 2, label.length)}`;
    });
    return entries.length === 0 ? '{}' : `{\n${entries.join(',\n')}\n${pad}}`;
  }
  return JSON.stringify(value);
}

export type { Json };
