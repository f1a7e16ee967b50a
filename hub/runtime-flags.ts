// How node runs the hub: flags on node's command line and an environment
// variable. Both must be there when the process starts (V8 reads its flags
// when it sets its heap up; glibc reads MALLOC_ARENA_MAX at its first
// allocation), so they cannot be set from inside. Four places start the hub
// and carry them: package.json's start script, the shebang of hub/cli.ts
// (npx loyalty-hub), the service unit (service.ts) and
// scripts/lib/hub-process.ts (bench and chaos suite); tests check that they
// agree with these lists.
//
// --no-memory-reducer: when the allocation rate looks low, as it does for a
// hub between presses, V8's memory reducer runs up to three compacting
// garbage collections in a row to shrink the heap. Measured at 200
// presses/s: pauses of 11.5 and 19.5 ms on the event loop, with presses
// waiting behind them (docs/benchmarks-findings.md §11).
//
// --max-semi-space-size=1: V8's young generation, where each press's
// short-lived objects are made, grows to 16 MiB per semi-space on a machine
// with memory to spare and never gives it back; a shop's board has 512 MB to
// 2 GB. 1 MiB keeps the hub's RSS under 120 MiB with 500 devices at 200
// presses/s at the same latency there; the price is paid at rates no shop
// reaches: at 15 000 presses/s ~200 scavenges a second take a third or more
// of the event loop, copying the backlog of presses waiting for their
// commit, and 8 MiB sustained 20 000/s where 1, 2 and 4 did not sustain
// 15 000, at 127 MiB (docs/benchmarks-findings.md §14, §17).
//
// --heap-growing-percent=25: after each full collection V8 lets the old
// generation grow to 1.25 times what survived before the next (by default a
// factor it picks between 1.1 and 4, and before the first full collection a
// limit of hundreds of MB on a machine with memory to spare). What a 1 MiB
// young generation promotes is garbage within seconds; with V8's own limits
// it piled up for minutes (a 4-minute soak at 200/s: RSS 117 → 170 MiB, 14.6
// MiB/min), at 50 it was collected every minute or so (117 → 132,
// flattening; full collections of ~2 ms with the marking spread out). At 50
// the soak still settled at ~125 MiB, V8's heap reserving 46 MiB for ~31
// live; at 25 it settles at ~119, the heap at 39.5 (4-minute soaks,
// second-half slope -0.25 MiB/min), press -> pager p99 the same. The
// price, at rates a hundred times any shop's: with the bench's phases
// before it, 15 000 presses/s sustained and 20 000 not, where 35 and 50
// sustain 20 000 (35 settles at ~120.5 MiB). A shop's board has 512 MB and
// never sees 20 000 presses a second; memory was chosen
// (docs/benchmarks-findings.md §15, §17).
export const HUB_NODE_FLAGS: readonly string[] = ['--no-memory-reducer', '--max-semi-space-size=1', '--heap-growing-percent=25'];

// MALLOC_ARENA_MAX=2: glibc gives each thread that allocates an arena of its
// own (the hub has 12 threads: V8's, libuv's, the journal's); two arenas are
// plenty for one event loop and a writer thread, and hold 4-5 MiB less
// (docs/benchmarks-findings.md §14).
export const HUB_ENVIRONMENT: Readonly<Record<string, string>> = { MALLOC_ARENA_MAX: '2' };

/** The hub's flags that this process was started without. */
export function missingNodeFlags(execArgv: readonly string[] = process.execArgv): string[] {
  return HUB_NODE_FLAGS.filter((flag) => !execArgv.includes(flag));
}
