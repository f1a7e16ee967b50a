// An estimate of the JsVars a firmware bundle holds, counted from what it can
// reach: the globals it defined, and the callbacks the "interpreter" holds
// for it (timers, watches, Wi-Fi and socket listeners). Closures are followed
// through V8's inspector ([[Scopes]]), since most firmware state lives in
// closure variables that no property walk sees.
//
// The cost of each value follows Espruino's variable layout (src/jsvar.h,
// RELEASE_2V29) approximately: every object, array, function and property
// name is one JsVar; integers, booleans, null and undefined are packed into
// the name that holds them; a float is a JsVar of its own; a string holds a
// few characters in its first JsVar and about 12 in each extension; a
// function adds one for its code (a memory-mapped string in flash) and its
// closure's variables once per closure. It is for trends (a queue that grows,
// a leak) and budgets with a margin, not an exact figure: the real
// interpreter's process.memory() is the authority (docs/firmware.md).
import { Session } from 'node:inspector';
import vm from 'node:vm';

const FIRST_STRING_CHARS = 4;
const EXTENSION_CHARS = 12;
const MAX_VISITS = 50_000;

let session: Session | null = null;
const stash: { value: unknown; taken: unknown[] } = { value: undefined, taken: [] };

function post<T>(method: string, params: object): T {
  if (!session) {
    session = new Session();
    session.connect();
  }
  let result: T | undefined;
  let failure: Error | null = null;
  // An in-process session answers synchronously.
  session.post(method, params, (error, answer) => {
    failure = error;
    result = answer as T;
  });
  if (failure) throw failure;
  return result as T;
}

interface RemoteObject {
  type: string;
  subtype?: string;
  objectId?: string;
  value?: unknown;
  description?: string;
}

interface PropertyDescriptor {
  name: string;
  value?: RemoteObject;
}

function remoteOf(value: unknown): string | undefined {
  stash.value = value;
  const answer = post<{ result: RemoteObject }>('Runtime.evaluate', { expression: 'globalThis.__lbJsVarStash.value' });
  stash.value = undefined;
  return answer.result.objectId;
}

function localOf(objectId: string): unknown {
  stash.taken.length = 0;
  const take = remoteOf(function (this: unknown, v: unknown) {
    stash.taken.push(v);
  });
  post('Runtime.callFunctionOn', { objectId: take, functionDeclaration: 'function (v) { this(v); }', arguments: [{ objectId }] });
  return stash.taken.pop();
}

function stringCost(length: number): number {
  return 1 + Math.ceil(Math.max(0, length - FIRST_STRING_CHARS) / EXTENSION_CHARS);
}

export class JsVarEstimator {
  private readonly objectPrototype: object;
  private readonly functionPrototype: object;

  constructor(
    private readonly context: vm.Context,
    /** Globals the shim put there (the Espruino API): not the firmware's. */
    private readonly provided: ReadonlySet<string>,
  ) {
    this.objectPrototype = vm.runInContext('Object.prototype', context) as object;
    this.functionPrototype = vm.runInContext('Function.prototype', context) as object;
    (globalThis as Record<string, unknown>).__lbJsVarStash = stash;
  }

  /** JsVars reachable from the firmware's globals and from `callbacks`. */
  count(callbacks: unknown[]): number {
    const seen = new Set<unknown>();
    const seenScopes = new Set<string>();
    let total = 0;
    const queue: unknown[] = [];
    const global = vm.runInContext('this', this.context) as Record<string, unknown>;
    for (const name of Object.getOwnPropertyNames(global)) {
      if (this.provided.has(name)) continue;
      const descriptor = Object.getOwnPropertyDescriptor(global, name);
      if (!descriptor || !('value' in descriptor) || this.isBuiltIn(descriptor.value)) continue;
      total += stringCost(name.length);
      queue.push(descriptor.value);
    }
    for (const callback of callbacks) queue.push(callback);

    const valueCost = (value: unknown): number => {
      if (typeof value === 'string') return stringCost(value.length);
      if (typeof value === 'number') return Number.isInteger(value) ? 0 : 1;
      if (value !== null && (typeof value === 'object' || typeof value === 'function')) {
        queue.push(value);
        return 0;
      }
      return 0;
    };

    while (queue.length > 0 && seen.size < MAX_VISITS) {
      const value = queue.pop();
      if (value === null || (typeof value !== 'object' && typeof value !== 'function') || seen.has(value)) continue;
      seen.add(value);
      if (!this.ofFirmware(value)) continue;
      total += 1;
      if (typeof value === 'function') total += 1 + this.closureCost(value, seenScopes, valueCost);
      for (const key of Object.getOwnPropertyNames(value)) {
        if (typeof value === 'function' && (key === 'length' || key === 'name' || key === 'prototype' || key === 'arguments' || key === 'caller')) continue;
        const descriptor = Object.getOwnPropertyDescriptor(value, key);
        if (!descriptor || !('value' in descriptor)) continue;
        if (Array.isArray(value) && key === 'length') continue;
        total += /^\d+$/.test(key) ? 1 : stringCost(key.length);
        total += valueCost(descriptor.value);
      }
      const prototype = Object.getPrototypeOf(value);
      if (prototype && prototype !== this.objectPrototype && prototype !== this.functionPrototype && !Array.isArray(value)) queue.push(prototype);
    }
    return total;
  }

  /** A value the firmware made in its own realm (not the shim's objects, nor the built-ins). */
  private ofFirmware(value: object): boolean {
    if (this.isBuiltIn(value)) return false;
    let prototype: unknown = value;
    for (let depth = 0; depth < 8 && prototype; depth++) {
      if (prototype === this.objectPrototype || prototype === this.functionPrototype) return true;
      prototype = Object.getPrototypeOf(prototype);
    }
    return false;
  }

  private isBuiltIn(value: unknown): boolean {
    return typeof value === 'function' && /\{\s*\[native code\]\s*\}$/.test(Function.prototype.toString.call(value));
  }

  /** The variables of each closure scope a function keeps, each scope counted once. */
  private closureCost(fn: unknown, seenScopes: Set<string>, valueCost: (value: unknown) => number): number {
    const objectId = remoteOf(fn);
    if (!objectId) return 0;
    const internal = post<{ internalProperties?: PropertyDescriptor[] }>('Runtime.getProperties', { objectId, ownProperties: true }).internalProperties ?? [];
    const scopes = internal.find((p) => p.name === '[[Scopes]]')?.value?.objectId;
    if (!scopes) return 0;
    let cost = 0;
    for (const scope of post<{ result: PropertyDescriptor[] }>('Runtime.getProperties', { objectId: scopes, ownProperties: true }).result) {
      const description = scope.value?.description ?? '';
      if (!scope.value?.objectId || !/^(Closure|Block)/.test(description)) continue;
      const variables = post<{ result: PropertyDescriptor[] }>('Runtime.getProperties', { objectId: scope.value.objectId, ownProperties: true }).result;
      const objects = variables.filter((v) => v.value?.objectId).map((v) => localOf(v.value!.objectId!));
      // One closure shared by many functions is counted once: known by its kind, its names and what its first object is.
      const key = description + '|' + variables.map((v) => v.name).join(',') + '|' + objects.length;
      const anchor = objects.find((o) => o !== null && typeof o === 'object');
      const scopeKey = key + '|' + (anchor ? this.identity(anchor) : '');
      if (seenScopes.has(scopeKey)) continue;
      seenScopes.add(scopeKey);
      for (const variable of variables) {
        cost += stringCost(variable.name.length);
        if (!variable.value) continue;
        if (variable.value.objectId) continue;
        cost += valueCost(variable.value.value);
      }
      for (const object of objects) cost += valueCost(object);
    }
    return cost;
  }

  private identities = new WeakMap<object, number>();
  private nextIdentity = 1;

  private identity(value: object): number {
    let id = this.identities.get(value);
    if (id === undefined) {
      id = this.nextIdentity++;
      this.identities.set(value, id);
    }
    return id;
  }
}
