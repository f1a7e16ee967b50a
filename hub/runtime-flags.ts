// The Node flags the hub runs with. They must be on node's command line: V8
// reads them when it sets its heap up, and v8.setFlagsFromString at run time
// comes too late for them. Three places start the hub and carry them:
// package.json's start script, the shebang of hub/cli.ts (npx loyalty-hub)
// and scripts/lib/hub-process.ts (bench and chaos suite); a test checks that
// they agree with this list.
//
// --no-memory-reducer: when the allocation rate looks low, as it does for a
// hub between presses, V8's memory reducer runs up to three compacting
// garbage collections in a row to shrink the heap. Measured at 200
// presses/s: pauses of 11.5 and 19.5 ms on the event loop, with presses
// waiting behind them. The hub is a long-running process with a steady heap
// of ~35 MB; memory is not what it is short of, latency is.
export const HUB_NODE_FLAGS: readonly string[] = ['--no-memory-reducer'];

/** The hub's flags that this process was started without. */
export function missingNodeFlags(execArgv: readonly string[] = process.execArgv): string[] {
  return HUB_NODE_FLAGS.filter((flag) => !execArgv.includes(flag));
}
