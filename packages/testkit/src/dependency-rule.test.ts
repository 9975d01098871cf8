import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

// The dependency rule (README, "Dependency rule"), read from every workspace package's imports
// and package.json. Imports are read with the TypeScript parser, so `import type`, `export ... from`,
// dynamic `import()`, `typeof import()` and module augmentations all count.

const SERVICES = new Set(['@sitrep/alert-ingest', '@sitrep/recorder']);
const DEV_ONLY = new Set(['@sitrep/testkit', '@sitrep/simulator']);
/**
 * Test pieces a package ships on its own entry point: the domain's test data (so its own tests
 * can reach it) and the bus port's fault-injecting twin (testkit cannot hold it: the bus's tests
 * use testkit, and build order allows no cycle).
 */
const TEST_ENTRY_POINTS = new Set(['@sitrep/domain/testing', '@sitrep/bus/testing']);
const PURE = new Set(['@sitrep/domain', '@sitrep/contracts']);
const ADAPTERS = new Set(['@sitrep/store', '@sitrep/bus']);
/** The composition root and the dev-only places, the only importers of a service. */
const SERVICE_IMPORTERS = new Set(['@sitrep/cli', '@sitrep/simulator', '@sitrep/e2e', '@sitrep/bench']);

type DependencyField = 'dependencies' | 'devDependencies' | 'peerDependencies' | 'optionalDependencies';
type Manifest = { name: string; workspaces?: string[]; exports?: Record<string, unknown> } & Partial<
  Record<DependencyField, Record<string, string>>
>;

interface Import {
  /** undefined: an `import()` or `require()` whose argument is not a string literal. */
  readonly specifier: string | undefined;
  readonly line: number;
}

interface SourceFile {
  /** Relative to the repository root, with forward slashes. */
  readonly path: string;
  /** *.test.ts, *.fixture.ts, *.contract.ts: may use devDependencies. */
  readonly test: boolean;
  readonly imports: readonly Import[];
}

interface WorkspacePackage {
  readonly name: string;
  readonly dir: string;
  readonly manifest: Manifest;
  /** Ships: under packages/ or services/ and not dev-only. test/ and bench/ never ship. */
  readonly product: boolean;
  readonly files: readonly SourceFile[];
}

interface Workspace {
  readonly root: Manifest;
  readonly packages: readonly WorkspacePackage[];
}

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const SOURCE = /\.[cm]?[jt]s$/;
const TEST_FILE = /\.(?:test|fixture|contract)\.[cm]?[jt]s$/;
const posix = (path: string): string => path.split(sep).join('/');
const readManifest = (dir: string): Manifest => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest;
const declared = (manifest: Manifest, fields: readonly DependencyField[]): Set<string> =>
  new Set(fields.flatMap((field) => Object.keys(manifest[field] ?? {})));
const ALL_FIELDS: readonly DependencyField[] = [
  'dependencies',
  'devDependencies',
  'peerDependencies',
  'optionalDependencies',
];
const SHIPPED_FIELDS: readonly DependencyField[] = ['dependencies', 'peerDependencies', 'optionalDependencies'];

/** Every module specifier a file names. */
function importsOf(fileName: string, text: string): Import[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
  const found: Import[] = [];
  const add = (node: ts.Node, specifier: ts.Node | undefined): void => {
    const line = source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
    found.push({ specifier: specifier && ts.isStringLiteralLike(specifier) ? specifier.text : undefined, line });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) add(node, node.moduleSpecifier);
    else if (ts.isExportDeclaration(node) && node.moduleSpecifier) add(node, node.moduleSpecifier);
    else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      add(node, node.moduleReference.expression);
    } else if (
      ts.isCallExpression(node) &&
      (node.expression.kind === ts.SyntaxKind.ImportKeyword ||
        (ts.isIdentifier(node.expression) && node.expression.text === 'require'))
    ) {
      add(node, node.arguments[0]);
    } else if (ts.isImportTypeNode(node)) {
      add(node, ts.isLiteralTypeNode(node.argument) ? node.argument.literal : undefined);
    } else if (ts.isModuleDeclaration(node) && ts.isStringLiteral(node.name) && ts.isExternalModule(source)) {
      // `declare module 'x'` inside a module augments x, so it needs x as much as an import does.
      add(node, node.name);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

function sourceFilesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.name === 'node_modules' || entry.name === 'dist' || entry.name.startsWith('.')) return [];
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFilesUnder(path);
    return SOURCE.test(entry.name) ? [path] : [];
  });
}

function readWorkspace(root: string): Workspace {
  const rootManifest = readManifest(root);
  const dirs = (rootManifest.workspaces ?? []).flatMap((pattern) =>
    pattern.endsWith('/*')
      ? readdirSync(join(root, pattern.slice(0, -2)), { withFileTypes: true })
          .filter((entry) => entry.isDirectory())
          .map((entry) => `${pattern.slice(0, -2)}/${entry.name}`)
      : [pattern],
  );
  const packages = dirs
    .filter((dir) => existsSync(join(root, dir, 'package.json')))
    .map((dir): WorkspacePackage => {
      const manifest = readManifest(join(root, dir));
      return {
        name: manifest.name,
        dir,
        manifest,
        product: /^(?:packages|services)\//.test(dir) && !DEV_ONLY.has(manifest.name),
        files: sourceFilesUnder(join(root, dir)).map((path) => ({
          path: posix(relative(root, path)),
          test: TEST_FILE.test(path),
          imports: importsOf(path, readFileSync(path, 'utf8')),
        })),
      };
    });
  return { root: rootManifest, packages };
}

/** `@scope/name/sub/path` -> `@scope/name`; `name/sub` -> `name`. */
const packageOf = (specifier: string): string =>
  specifier
    .split('/')
    .slice(0, specifier.startsWith('@') ? 2 : 1)
    .join('/');

interface ImportSite {
  readonly pkg: WorkspacePackage;
  readonly file: SourceFile;
  readonly specifier: string;
  /** The imported package's name. */
  readonly target: string;
}

interface Rule {
  readonly id: string;
  /** Why an import of this site breaks the rule, or undefined when it keeps it. */
  readonly site?: (site: ImportSite) => string | undefined;
  /** What in the package's package.json breaks the rule. */
  readonly manifest?: (pkg: WorkspacePackage) => string[];
}

const declaring = (pkg: WorkspacePackage, fields: readonly DependencyField[], names: (name: string) => boolean) =>
  [...declared(pkg.manifest, fields)].filter(names).map((name) => `declares ${name}`);

function rulesFor(workspace: Workspace): Rule[] {
  const workspaceNames = new Set(workspace.packages.map((pkg) => pkg.name));
  // The root's devDependencies (vitest, supertest, typescript, ajv...) are the toolchain every
  // test runs under, so test code and dev-only packages may use them without redeclaring them.
  const toolchain = declared(workspace.root, ['devDependencies']);
  return [
    {
      id: 'rule 1: domain and contracts import no workspace package',
      site: ({ pkg, target }) =>
        PURE.has(pkg.name) && workspaceNames.has(target) && target !== pkg.name ? 'a workspace package' : undefined,
      manifest: (pkg) => (PURE.has(pkg.name) ? declaring(pkg, ALL_FIELDS, (name) => workspaceNames.has(name)) : []),
    },
    {
      id:
        "rule 2: every bare import is declared in its package's own package.json (dependencies for " +
        'product code; devDependencies or the root toolchain for tests, fixtures, contracts and dev-only packages)',
      site: ({ pkg, file, target }) => {
        if (target === pkg.name) return undefined;
        const dev = file.test || !pkg.product;
        if (declared(pkg.manifest, dev ? ALL_FIELDS : SHIPPED_FIELDS).has(target)) return undefined;
        if (dev && toolchain.has(target)) return undefined;
        const where = dev ? 'dependencies or devDependencies' : 'dependencies (product code)';
        return `${target} is not in ${pkg.dir}/package.json ${where}`;
      },
    },
    {
      id: 'rule 3: nothing imports a service except the CLI composition root, packages/simulator, test/ and bench/',
      site: ({ pkg, target }) =>
        SERVICES.has(target) && target !== pkg.name && !SERVICE_IMPORTERS.has(pkg.name) ? 'a service' : undefined,
      manifest: (pkg) =>
        SERVICE_IMPORTERS.has(pkg.name)
          ? []
          : declaring(pkg, ALL_FIELDS, (name) => SERVICES.has(name) && name !== pkg.name),
    },
    {
      id:
        'rule 4: dev-only packages (@sitrep/testkit, @sitrep/simulator) and test entry points (@sitrep/domain/testing, @sitrep/bus/testing) ' +
        'stay out of product code and dependencies',
      site: ({ pkg, file, specifier, target }) =>
        pkg.product && !file.test && (DEV_ONLY.has(target) || TEST_ENTRY_POINTS.has(specifier))
          ? 'a dev-only package or test entry point from product code'
          : undefined,
      manifest: (pkg) =>
        pkg.product
          ? declaring(pkg, SHIPPED_FIELDS, (name) => DEV_ONLY.has(name)).map((s) => `${s} outside devDependencies`)
          : [],
    },
    {
      id: 'rule 5: adapters import ports, not each other: packages/store and packages/bus import no service and not each other',
      site: ({ pkg, target }) =>
        ADAPTERS.has(pkg.name) && target !== pkg.name && (SERVICES.has(target) || ADAPTERS.has(target))
          ? 'another adapter or a service'
          : undefined,
      manifest: (pkg) =>
        ADAPTERS.has(pkg.name)
          ? declaring(pkg, ALL_FIELDS, (name) => name !== pkg.name && (SERVICES.has(name) || ADAPTERS.has(name)))
          : [],
    },
  ];
}

/** Imports the rules cannot see through: computed, by path into another package, or a builtin without `node:`. */
function unreadable(pkg: WorkspacePackage, file: SourceFile, { specifier }: Import): string | undefined {
  if (specifier === undefined) return 'an import() or require() of a computed name, which no rule can check';
  if (specifier.startsWith('.') || specifier.startsWith('/')) {
    const target = posix(relative(join(ROOT, pkg.dir), resolve(ROOT, dirname(file.path), specifier)));
    return target.startsWith('../')
      ? 'a path outside its package: import the package by name and declare it'
      : undefined;
  }
  if (!specifier.startsWith('node:') && isBuiltin(specifier))
    return `a builtin without its prefix: use node:${specifier}`;
  return undefined;
}

function violations(workspace: Workspace, rule: Rule): string[] {
  return workspace.packages.flatMap((pkg) => [
    ...(rule.manifest?.(pkg) ?? []).map((what) => `${pkg.dir}/package.json ${what}`),
    ...pkg.files.flatMap((file) =>
      file.imports.flatMap(({ specifier, line }) => {
        if (specifier === undefined || specifier.startsWith('.') || specifier.startsWith('/')) return [];
        if (specifier.startsWith('node:') || isBuiltin(specifier)) return [];
        const why = rule.site?.({ pkg, file, specifier, target: packageOf(specifier) });
        return why === undefined ? [] : [`${file.path}:${line} imports '${specifier}': ${why}`];
      }),
    ),
  ]);
}

describe('the dependency rule', () => {
  const workspace = readWorkspace(ROOT);
  const names = new Set(workspace.packages.map((pkg) => pkg.name));

  it('reads every workspace package, and each package the rule names exists', () => {
    expect(workspace.packages.length).toBeGreaterThanOrEqual(15);
    for (const name of [...SERVICES, ...DEV_ONLY, ...PURE, ...ADAPTERS, ...SERVICE_IMPORTERS]) {
      expect(names, name).toContain(name);
    }
    for (const pkg of workspace.packages) expect(pkg.files.length, pkg.dir).toBeGreaterThan(0);
    for (const entry of TEST_ENTRY_POINTS) {
      const owner = workspace.packages.find((pkg) => pkg.name === packageOf(entry));
      expect(Object.keys(owner?.manifest.exports ?? {}), entry).toContain(`.${entry.slice(packageOf(entry).length)}`);
    }
  });

  it('sees import type, export from, dynamic import(), typeof import() and module augmentation', () => {
    const text = [
      "import type { A } from 'a';",
      "import 'b';",
      "export { c } from 'c';",
      "export * as d from 'd';",
      "const e = await import('e');",
      'type F = typeof import("f");',
      "declare module 'g' { interface G { g: string } }",
      "import h = require('h');",
      'const i = await import(computed);',
    ].join('\n');
    expect(importsOf('x.ts', text).map((found) => found.specifier)).toEqual([
      'a',
      'b',
      'c',
      'd',
      'e',
      'f',
      'g',
      'h',
      undefined,
    ]);
  });

  it('every import can be checked: literal, inside its package, builtins as node:', () => {
    const found = workspace.packages.flatMap((pkg) =>
      pkg.files.flatMap((file) =>
        file.imports.flatMap((imported) => {
          const why = unreadable(pkg, file, imported);
          return why === undefined
            ? []
            : [`${file.path}:${imported.line} imports '${imported.specifier ?? '?'}': ${why}`];
        }),
      ),
    );
    expect(found).toEqual([]);
  });

  for (const rule of rulesFor(workspace)) {
    it(rule.id, () => {
      expect(violations(workspace, rule), rule.id).toEqual([]);
    });
  }
});
