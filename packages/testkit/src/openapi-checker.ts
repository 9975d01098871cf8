import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

// ajv-formats is CommonJS: under NodeNext its default import is module.exports, whose `default` is the plugin.
const addFormats = addFormatsModule.default;

export type JsonObject = Record<string, unknown>;

export interface DocumentOperation {
  readonly method: string;
  readonly path: string;
  /** JSON pointer of the operation in the document. */
  readonly at: string;
  readonly operation: JsonObject;
}

export interface CheckedExchange {
  readonly status: number;
  readonly headers: Headers;
  readonly body: unknown;
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
const BASE = 'https://sitrep.dev/openapi.json';

export const isJsonObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** JSON pointer (RFC 6901) as a URI fragment, as Ajv resolves it. */
export const jsonPointer = (...segments: string[]): string =>
  segments.map((segment) => `/${encodeURIComponent(segment.replace(/~/g, '~0').replace(/\//g, '~1'))}`).join('');

const failure = (message: string, details?: unknown): Error =>
  new Error(details === undefined ? message : `${message}: ${JSON.stringify(details)}`);

/**
 * An OpenAPI 3.1 document read as plain JSON, with strict Ajv over its schemas: what the services'
 * OpenAPI tests use to hold real responses to the document.
 */
export function openApiChecker(document: object) {
  const doc = document as JsonObject;

  const resolvePointer = (fragment: string): unknown => {
    let node: unknown = doc;
    for (const part of fragment.split('/').slice(1)) {
      const key = decodeURIComponent(part).replace(/~1/g, '/').replace(/~0/g, '~');
      node = isJsonObject(node) ? node[key] : Array.isArray(node) ? (node as unknown[])[Number(key)] : undefined;
      if (node === undefined) return undefined;
    }
    return node;
  };

  /** A Reference Object's target and its pointer, or the object itself. */
  const deref = (node: unknown, at: string): { node: JsonObject; at: string } => {
    if (isJsonObject(node) && typeof node.$ref === 'string') {
      const target = resolvePointer(node.$ref.slice(1));
      if (!isJsonObject(target)) throw new Error(`${at}: $ref ${node.$ref} does not resolve`);
      return { node: target, at: node.$ref.slice(1) };
    }
    if (!isJsonObject(node)) throw new Error(`${at} is not an object`);
    return { node, at };
  };

  const operations = (): DocumentOperation[] =>
    Object.entries(doc.paths as JsonObject).flatMap(([path, item]) =>
      METHODS.filter((method) => method in (item as JsonObject)).map((method) => ({
        method,
        path,
        at: jsonPointer('paths', path, method),
        operation: (item as JsonObject)[method] as JsonObject,
      })),
    );

  const tagged = (tag: string): DocumentOperation[] =>
    operations().filter(({ operation }) => ((operation.tags as string[] | undefined) ?? []).includes(tag));

  const ajv = new Ajv2020({
    strict: true,
    strictTypes: true,
    strictRequired: false,
    allowUnionTypes: true,
    allErrors: true,
    logger: {
      log: () => undefined,
      warn: (...args: unknown[]) => {
        throw new Error(`ajv: ${args.map(String).join(' ')}`);
      },
      error: (...args: unknown[]) => {
        throw new Error(`ajv: ${args.map(String).join(' ')}`);
      },
    },
  });
  addFormats(ajv);
  // The OpenAPI fields around the schemas: carried along so `#/components/...` resolves, not validated.
  for (const keyword of Object.keys(doc)) ajv.addKeyword(keyword);
  ajv.addSchema({ ...doc, $id: BASE });

  const validatorAt = (at: string): ValidateFunction => {
    const validate = ajv.getSchema(`${BASE}#${at}`);
    if (!validate) throw new Error(`no schema at ${at}`);
    return validate;
  };

  const schemaErrors = (at: string, value: unknown): unknown[] => {
    const validate = validatorAt(at);
    return validate(value) ? [] : (validate.errors ?? []);
  };

  /** The response the document declares for this operation and status, with every `$ref` followed. */
  const declaredResponse = (method: string, path: string, status: number) => {
    const operation = operations().find((candidate) => candidate.method === method && candidate.path === path);
    if (!operation) throw new Error(`${method.toUpperCase()} ${path} is not in the document`);
    const declared = (operation.operation.responses as JsonObject)[String(status)];
    if (declared === undefined) throw new Error(`${method.toUpperCase()} ${path}: ${status} is not documented`);
    return deref(declared, `${operation.at}${jsonPointer('responses', String(status))}`);
  };

  /** Checks a response's status, headers, media type and body against what the document declares. */
  const checkResponse = (method: string, path: string, response: Response, text: string): CheckedExchange => {
    const { node, at } = declaredResponse(method, path, response.status);
    for (const [name, header] of Object.entries((node.headers as JsonObject | undefined) ?? {})) {
      const declaredHeader = deref(header, `${at}${jsonPointer('headers', name)}`);
      const value = response.headers.get(name);
      if (declaredHeader.node.required === true && value === null) {
        throw failure(`${name} header of ${response.status} is missing`);
      }
      const errors = value === null ? [] : schemaErrors(`${declaredHeader.at}/schema`, value);
      if (errors.length > 0) throw failure(`${name} header does not match the document`, errors);
    }
    const mediaType = (response.headers.get('content-type') ?? '').split(';')[0]?.trim() ?? '';
    const content = Object.keys((node.content as JsonObject | undefined) ?? {});
    if (!content.includes(mediaType)) {
      throw failure(`media types of ${method} ${path} ${response.status} are ${content.join(', ')}, not ${mediaType}`);
    }
    const body: unknown = mediaType.endsWith('json') ? JSON.parse(text) : text;
    const errors = schemaErrors(`${at}${jsonPointer('content', mediaType, 'schema')}`, body);
    if (errors.length > 0) throw failure(`body of ${method} ${path} ${response.status} does not match`, errors);
    return { status: response.status, headers: response.headers, body };
  };

  return { resolvePointer, deref, operations, tagged, validatorAt, schemaErrors, declaredResponse, checkResponse };
}

interface Layer {
  readonly slash?: boolean;
  readonly route?: { readonly path: string; readonly methods: Record<string, boolean | undefined> };
  readonly handle?: { readonly stack?: readonly Layer[] };
}

/** `METHOD /path/{param}` of every route of an Express 5 app, without the 405 catch-alls. */
export function expressRoutes(app: unknown): string[] {
  const routes: string[] = [];
  const walk = (stack: readonly Layer[]): void => {
    for (const layer of stack) {
      if (layer.route) {
        for (const [method, on] of Object.entries(layer.route.methods)) {
          if (on === true && method !== '_all') {
            routes.push(`${method.toUpperCase()} ${layer.route.path.replace(/:(\w+)/g, '{$1}')}`);
          }
        }
      } else if (layer.handle?.stack) {
        // Every router here is mounted at the root; one mounted under a path would need its prefix.
        if (layer.slash !== true) throw new Error('a router mounted under a path: its routes need the prefix');
        walk(layer.handle.stack);
      }
    }
  };
  walk((app as { router: { stack: readonly Layer[] } }).router.stack);
  return routes.sort();
}
