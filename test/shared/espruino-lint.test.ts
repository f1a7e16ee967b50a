// The lint half of the Espruino gate: code under shared/ (and firmware/) that
// the device cannot run must fail `npm run lint`.
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint();

async function ruleHits(code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: 'shared/__probe__.ts' });
  return result.messages.map((m) => m.message);
}

describe('Espruino lint rules on shared/', () => {
  it.each([
    ['a call before the function is declared', 'export function a(): number { return b(); }\nfunction b(): number { return 1; }', 'was used before it was defined'],
    ['spread', 'export const a = [1]; export const b = [...a];', 'Espruino has no spread.'],
    ['destructuring', 'export function f(o: { x: number }): number { const { x } = o; return x; }', 'Espruino has no destructuring.'],
    ['a default parameter', 'export function f(x = 1): number { return x; }', 'Espruino has no default parameters.'],
    ['optional chaining', 'export function f(o?: { x: number }): number | undefined { return o?.x; }', 'Espruino has no optional chaining (?.).'],
    ['Map', 'export const m = new Map<string, number>();', 'Espruino has no Map.'],
    ['Number.isFinite', 'export const ok = Number.isFinite(1);', 'Espruino has no Number.isFinite: use isFinite.'],
    ['a built-in prototype method', 'export const s = Array.prototype.slice;', 'Built-in prototypes are empty on Espruino: use the instance form ([].slice.call).'],
    ['extends', 'class A {}\nexport class B extends A {}', 'TypeScript’s ES5 `extends` helper fails on Espruino: use composition.'],
    ['async', 'export async function f(): Promise<void> {}', 'Espruino has no async/await.'],
  ])('rejects %s', async (_what, code, message) => {
    const hits = await ruleHits(code);
    expect(hits.some((hit) => hit.includes(message)), hits.join('\n')).toBe(true);
  });

  it('accepts the plain subset', async () => {
    expect(await ruleHits('export function twice(x: number): number { const y = x * 2; return y; }\n')).toEqual([]);
  });
});
