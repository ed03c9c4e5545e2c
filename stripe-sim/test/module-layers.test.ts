import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/**
 * The floor plan of `src/resources/` (README, "Layout"): route modules sit on top, so no resource
 * module imports one, except the two leaf route modules whose record helpers others use. Biome's
 * `noImportCycles` only refuses cycles once they close; this refuses the first step towards one.
 */
const RESOURCES = new URL('../src/resources/', import.meta.url);
const LEAF_ROUTE_MODULES = ['balance.ts', 'invoice-payments.ts'];

const files = readdirSync(RESOURCES).filter((name) => name.endsWith('.ts'));
const sourceOf = (name: string): string => readFileSync(new URL(name, RESOURCES), 'utf8');

/** The sibling modules a resource module imports (`from './x.ts'`), type-only imports included. */
function siblingImports(name: string): string[] {
  return [...sourceOf(name).matchAll(/from '\.\/([a-z-]+\.ts)'/g)].map((match) => match[1] ?? '');
}

const routeModules = files.filter((name) => /export const \w+Routes: Route\[\]/.test(sourceOf(name)));

describe('resource module layers', () => {
  it('finds the route modules it checks', () => {
    expect(routeModules).toEqual(
      expect.arrayContaining(['customers.ts', 'invoices.ts', ...LEAF_ROUTE_MODULES]),
    );
  });

  it('has no resource module import a route module other than the leaf ones', () => {
    const violations = files.flatMap((name) =>
      siblingImports(name)
        .filter((target) => routeModules.includes(target) && !LEAF_ROUTE_MODULES.includes(target))
        .map((target) => `${name} imports ${target}`),
    );
    expect(violations).toEqual([]);
  });

  it('keeps the leaf route modules free of imports of other resource modules', () => {
    for (const name of LEAF_ROUTE_MODULES)
      expect({ name, imports: siblingImports(name) }).toEqual({ name, imports: [] });
  });
});
