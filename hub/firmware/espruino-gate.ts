// The Espruino gate: what a built bundle must be before it goes near a
// device. Node running the firmware proves the logic, not that Espruino 2v29
// can run it (../shared/espruino.md), so the bundle itself is checked:
// - it parses as ES5;
// - it contains no TypeScript helper (they rely on hoisting or X.prototype.method);
// - it uses no global Espruino lacks, nor a built-in prototype's method;
// - no function is called, in the same scope, before its declaration ran;
// - it requires only Espruino's built-in modules.
import { parse, type Node } from 'acorn';
import { ancestor, base, simple } from 'acorn-walk';

const TS_HELPERS = /^__(extends|assign|rest|decorate|param|metadata|awaiter|generator|exportStar|values|read|spread|spreadArrays|spreadArray|await|asyncGenerator|asyncDelegator|asyncValues|makeTemplateObject|importStar|importDefault|classPrivateField\w*|createBinding|setModuleDefault|addDisposableResource|disposeResources|require|commonJS|esm|toESM|toCommonJS|defProp|export)$/;

const MISSING_GLOBALS = ['Map', 'Set', 'WeakMap', 'WeakSet', 'Symbol', 'Reflect', 'Proxy', 'globalThis', 'queueMicrotask', 'structuredClone'];

const MISSING_STATICS: Record<string, string[]> = {
  Array: ['from', 'of'],
  Number: ['isFinite', 'isInteger', 'isNaN', 'isSafeInteger', 'parseFloat', 'parseInt', 'EPSILON'],
  Math: ['trunc', 'sign', 'cbrt', 'log2', 'log10', 'hypot', 'fround', 'imul', 'clz32'],
  Object: ['freeze', 'isFrozen', 'seal', 'getOwnPropertySymbols', 'fromEntries', 'values', 'is'],
  Promise: ['race', 'allSettled', 'any', 'finally'],
  String: ['raw', 'fromCodePoint'],
};

const BUILT_IN_PROTOTYPES = ['Array', 'Object', 'Function', 'String', 'Number', 'Boolean', 'Date', 'RegExp', 'Promise'];

export const ESPRUINO_MODULES = ['Storage', 'Wifi', 'net', 'ESP32'];

type AnyNode = Node & Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function nameOf(node: AnyNode | undefined): string | undefined {
  return node && node.type === 'Identifier' ? (node.name as string) : undefined;
}

/** Every problem found; an empty list means the bundle may go to a device. */
export function checkBundle(source: string): string[] {
  let ast: AnyNode;
  try {
    ast = parse(source, { ecmaVersion: 5, sourceType: 'script', locations: true }) as AnyNode;
  } catch (error) {
    return [`does not parse as ES5: ${(error as Error).message}`];
  }
  const problems: string[] = [];
  const at = (node: AnyNode) => `line ${node.loc?.start.line}:${node.loc?.start.column}`;

  // Names the bundle declares itself (a local called Set is not the global Set).
  const declared = new Set<string>();
  simple(ast, {
    VariableDeclarator(node: AnyNode) {
      const name = nameOf(node.id);
      if (name) declared.add(name);
    },
    FunctionDeclaration(node: AnyNode) {
      const name = nameOf(node.id);
      if (name) declared.add(name);
      for (const param of node.params) if (nameOf(param)) declared.add(nameOf(param)!);
    },
    FunctionExpression(node: AnyNode) {
      for (const param of node.params) if (nameOf(param)) declared.add(nameOf(param)!);
    },
  });

  simple(ast, {
    Identifier(node: AnyNode) {
      const name = node.name as string;
      if (TS_HELPERS.test(name)) problems.push(`TypeScript helper ${name} at ${at(node)}`);
      if (MISSING_GLOBALS.includes(name) && !declared.has(name)) problems.push(`Espruino has no ${name} (${at(node)})`);
    },
    MemberExpression(node: AnyNode) {
      const object = nameOf(node.object);
      const property = node.computed ? undefined : nameOf(node.property);
      if (object && property && !declared.has(object) && MISSING_STATICS[object]?.includes(property)) {
        problems.push(`Espruino has no ${object}.${property} (${at(node)})`);
      }
      const inner = node.object as AnyNode;
      if (inner.type === 'MemberExpression' && nameOf(inner.property) === 'prototype' && BUILT_IN_PROTOTYPES.includes(nameOf(inner.object) ?? '')) {
        problems.push(`${nameOf(inner.object)}.prototype.${property ?? '[…]'} is undefined on Espruino: use the instance form (${at(node)})`);
      }
    },
    CallExpression(node: AnyNode) {
      const callee = nameOf(node.callee);
      if (callee !== 'require' && callee !== 'espruinoModule') return;
      const argument = node.arguments[0] as AnyNode | undefined;
      if (argument?.type === 'Literal' && !ESPRUINO_MODULES.includes(argument.value as string)) {
        problems.push(`${callee}("${argument.value}") is not an Espruino built-in module (${at(node)})`);
      }
    },
  });

  problems.push(...callsBeforeDeclaration(ast, at));
  return problems;
}

/**
 * Espruino does not hoist: a function declaration exists only once its
 * statement has run. Flags a call, made directly in a scope's own statements
 * (not inside a nested function that may run later), to a function declared
 * further down in that same scope.
 */
function callsBeforeDeclaration(ast: AnyNode, at: (node: AnyNode) => string): string[] {
  const problems: string[] = [];
  const checkBody = (statements: AnyNode[]) => {
    const declaredAt = new Map<string, number>();
    statements.forEach((statement, index) => {
      if (statement.type === 'FunctionDeclaration') declaredAt.set(statement.id.name, index);
    });
    statements.forEach((statement, index) => {
      if (statement.type === 'FunctionDeclaration') return;
      directCalls(statement, (call) => {
        const callee = nameOf(call.callee);
        const declaration = callee === undefined ? undefined : declaredAt.get(callee);
        if (declaration !== undefined && declaration > index) problems.push(`${callee}() is called before its declaration (${at(call)})`);
      });
    });
  };
  checkBody(ast.body);
  ancestor(ast, {
    Function(node: AnyNode) {
      if (node.body.type === 'BlockStatement') checkBody(node.body.body);
    },
  });
  return problems;
}

/** Calls in `node` that run when it runs: nested functions are not entered. */
function directCalls(node: AnyNode, visit: (call: AnyNode) => void): void {
  const walk = (n: AnyNode) => {
    if (n.type === 'FunctionExpression' || n.type === 'FunctionDeclaration' || n.type === 'ArrowFunctionExpression') return;
    if (n.type === 'CallExpression') visit(n);
    (base as Record<string, (node: Node, state: unknown, callback: (child: Node) => void) => void>)[n.type](n, undefined, (child: Node) => walk(child as AnyNode));
  };
  walk(node);
}
