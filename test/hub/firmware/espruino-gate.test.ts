// The bundle half of the Espruino gate: bad bundles must fail it, the real ones pass.
import { describe, expect, it } from 'vitest';
import { SIZE_LIMIT_BYTES } from '../../../scripts/build-firmware.js';
import { checkBundle } from '../../../hub/firmware/espruino-gate.js';
import { bundle } from '../../support/devices.js';

describe('Espruino gate', () => {
  // The device budget is 28 KB (build-firmware.ts); the bundles are ~20-21 KB, sizes printed by every build.
  it.each(['button', 'pager'] as const)('passes the built %s bundle, within the 28 KB budget', (kind) => {
    const code = bundle(kind);
    expect(checkBundle(code)).toEqual([]);
    expect(Buffer.byteLength(code)).toBeLessThan(SIZE_LIMIT_BYTES);
  });

  it.each([
    ['let (not ES5)', 'let a = 1;', /does not parse as ES5/],
    ['an arrow function', 'var f = () => 1;', /does not parse as ES5/],
    ['a TypeScript extends helper', 'var B = (function (_super) { __extends(B, _super); function B() {} return B; })(A);', /TypeScript helper __extends/],
    ['a spread helper', 'var a = __spreadArray([], b, true);', /TypeScript helper __spreadArray/],
    ['an async helper', 'function f() { return __awaiter(this, void 0, void 0, function () {}); }', /TypeScript helper __awaiter/],
    ['Map', 'var m = new Map();', /Espruino has no Map/],
    ['Symbol', 'var s = Symbol("x");', /Espruino has no Symbol/],
    ['Array.from', 'var a = Array.from("abc");', /Espruino has no Array.from/],
    ['Number.isFinite', 'var ok = Number.isFinite(1);', /Espruino has no Number.isFinite/],
    ['a built-in prototype method', 'var s = Array.prototype.slice.call(arguments);', /Array.prototype.slice is undefined on Espruino/],
    ['a call before the declaration', 'start(); function start() {}', /start\(\) is called before its declaration/],
    ['a call before the declaration inside a function', 'function main() { helper(); function helper() {} }', /helper\(\) is called before its declaration/],
    ['a module that is not built in', 'var http = require("http");', /require\("http"\) is not an Espruino built-in module/],
  ])('fails a bundle with %s', (_what, code, problem) => {
    const problems = checkBundle(code);
    expect(problems.some((p) => problem.test(p)), problems.join('\n')).toBe(true);
  });

  it('allows what Espruino runs: a call after the declaration, a call inside a callback, a local named Set', () => {
    expect(checkBundle('function a() {} a(); setTimeout(function () { b(); }, 1); function b() {} var Set = 1; Set++;')).toEqual([]);
  });
});
