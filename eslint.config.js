// Lint for the whole repo, plus the Espruino subset for code that runs on the device.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** Syntax Espruino 2v29 rejects or runs wrongly (see ../shared/espruino.md). */
const espruinoSyntax = [
  { selector: 'SpreadElement', message: 'Espruino has no spread.' },
  { selector: 'RestElement', message: 'Espruino has no rest parameters or rest destructuring.' },
  { selector: 'ObjectPattern', message: 'Espruino has no destructuring.' },
  { selector: 'ArrayPattern', message: 'Espruino has no destructuring.' },
  { selector: 'AssignmentPattern', message: 'Espruino has no default parameters.' },
  { selector: 'ChainExpression', message: 'Espruino has no optional chaining (?.).' },
  { selector: "BinaryExpression[operator='**']", message: 'Espruino has no ** operator.' },
  { selector: "AssignmentExpression[operator=/^(\\*\\*|\\|\\||&&|\\?\\?)=$/]", message: 'Espruino has no logical or exponent assignment.' },
  { selector: 'Property[computed=true]', message: 'Espruino has no computed property keys.' },
  { selector: 'FunctionDeclaration[async=true], FunctionExpression[async=true], ArrowFunctionExpression[async=true]', message: 'Espruino has no async/await.' },
  { selector: 'FunctionDeclaration[generator=true], FunctionExpression[generator=true]', message: 'Espruino has no generators.' },
  { selector: 'LabeledStatement', message: 'Espruino has no labels.' },
  { selector: 'TaggedTemplateExpression', message: 'Espruino has no tagged templates.' },
  { selector: 'ClassDeclaration[superClass], ClassExpression[superClass]', message: 'TypeScript’s ES5 `extends` helper fails on Espruino: use composition.' },
  { selector: 'PrivateIdentifier', message: 'Espruino has no #private fields.' },
  { selector: "MetaProperty[meta.name='new']", message: 'Espruino has no new.target.' },
  { selector: "MemberExpression[object.property.name='prototype'][object.object.name=/^(Array|Object|Function|String|Number)$/]", message: 'Built-in prototypes are empty on Espruino: use the instance form ([].slice.call).' },
];

const espruinoGlobals = ['Map', 'Set', 'WeakMap', 'WeakSet', 'Symbol', 'Reflect', 'Proxy'].map((name) => ({
  name,
  message: `Espruino has no ${name}.`,
}));

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'firmware/dist/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setImmediate: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', performance: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['hub/web/ui/**/*.ts'],
    languageOptions: { globals: globals.browser },
  },
  {
    files: ['shared/**/*.ts', 'firmware/**/*.ts'],
    // The shim is the Node side of the hardware boundary: it runs in Node, not on the device.
    ignores: ['firmware/shim/**'],
    rules: {
      // No hoisting on the device: a function called before its statement ran is a ReferenceError.
      'no-use-before-define': 'off',
      '@typescript-eslint/no-use-before-define': ['error', { functions: true, classes: true, variables: true }],
      'no-restricted-syntax': ['error', ...espruinoSyntax],
      'no-restricted-globals': ['error', ...espruinoGlobals],
      'no-restricted-properties': [
        'error',
        { object: 'Array', property: 'from', message: 'Espruino has no Array.from.' },
        { object: 'Number', property: 'isFinite', message: 'Espruino has no Number.isFinite: use isFinite.' },
        { object: 'Number', property: 'isInteger', message: 'Espruino has no Number.isInteger.' },
        { object: 'Math', property: 'trunc', message: 'Espruino has no Math.trunc.' },
        { object: 'Object', property: 'freeze', message: 'Espruino has no Object.freeze.' },
        { object: 'Promise', property: 'finally', message: 'Espruino has no Promise.finally.' },
        { object: 'Promise', property: 'race', message: 'Espruino has no Promise.race.' },
        { object: 'Promise', property: 'allSettled', message: 'Espruino has no Promise.allSettled.' },
      ],
    },
  },
  // ---- layering: who may import whom (docs/architecture.md) ----
  {
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ regex: '^(?!\\./)', message: 'shared/ is the protocol both sides compile: it imports only its own files.' }] }],
    },
  },
  {
    files: ['firmware/**/*.ts'],
    ignores: ['firmware/shim/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ regex: '^[^.]', message: 'Firmware runs on Espruino: no Node built-ins or npm packages (the shim is the Node side).' }] }],
    },
  },
  {
    files: ['hub/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: '^node:', message: 'domain/ is pure: no I/O (effects are data, the clock is injected).' },
            { regex: '^(?!luxon$)[^.]', message: 'domain/ is pure: no packages but luxon (date arithmetic).' },
            { regex: '^\\.\\./(?!\\.\\./shared/)', message: 'domain/ imports nothing of hub/ outside it (only shared/).' },
          ],
        },
      ],
    },
  },
  {
    files: ['hub/contract/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ regex: '.', message: 'The dashboard contract is types only, read by the browser build too: no imports.' }] }],
    },
  },
  {
    files: ['hub/report/**/*.ts', 'hub/store/**/*.ts', 'hub/device-in/**/*.ts', 'hub/device-out/**/*.ts', 'hub/broker/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ regex: '^\\.\\./(web|simulation)/', message: 'Only the composition root (hub.ts) and web/ may use the web layer and the simulated shop.' }] }],
    },
  },
);
