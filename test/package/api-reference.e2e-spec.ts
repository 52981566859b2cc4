import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

const ROOT = join(__dirname, '../..');

/** The entry points of package.json's `exports`, by their source. */
const ENTRY_POINTS = {
  'nest-channels': 'src/index.ts',
  'nest-channels/testing': 'src/testing/index.ts',
};

/** Every name an entry point exports, values and types alike. */
function exportedNames(program: ts.Program, file: string): string[] {
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(join(ROOT, file));
  const module = source && checker.getSymbolAtLocation(source);
  if (!module) {
    throw new Error(`${file} is not a module`);
  }
  return checker
    .getExportsOfModule(module)
    .map((symbol) => symbol.name)
    .sort();
}

/** The names in the first column of docs/api.md's tables, per `## \`entry\`` section. */
function documentedNames(): Map<string, string[]> {
  const sections = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const line of readFileSync(join(ROOT, 'docs/api.md'), 'utf8').split(
    '\n',
  )) {
    const heading = /^## `([^`]+)`$/.exec(line);
    if (heading) {
      current = [];
      sections.set(heading[1], current);
    }
    const row = /^\| `(\w+)` +\|/.exec(line);
    if (row && current) {
      current.push(row[1]);
    }
  }
  return new Map([...sections].map(([entry, names]) => [entry, names.sort()]));
}

describe('docs/api.md', () => {
  const program = ts.createProgram(
    Object.values(ENTRY_POINTS).map((file) => join(ROOT, file)),
    {
      module: ts.ModuleKind.Node16,
      moduleResolution: ts.ModuleResolutionKind.Node16,
      target: ts.ScriptTarget.ES2022,
      experimentalDecorators: true,
      types: ['node', 'jest'],
      noEmit: true,
    },
  );
  const documented = documentedNames();

  it.each(Object.entries(ENTRY_POINTS))(
    'should list exactly what %s exports',
    (entry, file) => {
      expect(documented.get(entry)).toEqual(exportedNames(program, file));
    },
  );

  it('should document no entry point that package.json does not export', () => {
    const manifest = JSON.parse(
      readFileSync(join(ROOT, 'package.json'), 'utf8'),
    ) as { exports: Record<string, unknown> };
    const exported = Object.keys(manifest.exports)
      .filter((path) => path !== './package.json')
      .map((path) => join('nest-channels', path));
    expect([...documented.keys()].sort()).toEqual(exported.sort());
    expect(Object.keys(ENTRY_POINTS).sort()).toEqual(exported.sort());
  });
});
