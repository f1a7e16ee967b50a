// Writes docs/benchmarks.md and docs/benchmarks.png from a bench run. The
// chart is an SVG drawn here and rendered to PNG by Debian's chromium (the
// one the dashboard tests use); without chromium the PNG is skipped.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LatencySummary, MetricsSnapshot } from '../../hub/metrics.js';
import { HUB_ENVIRONMENT, HUB_NODE_FLAGS } from '../../hub/runtime-flags.js';
import { hasChromium, launchChromium } from '../lib/chromium.js';
import type { BenchResult, PhaseResult, SoakSample } from './results.js';
import { describeHostStalls } from './host-stalls.js';


/**
 * The soak's memory minute by minute: RSS, its anonymous part, V8's heap (reserved
 * and in use), what JavaScript holds outside it, and malloc's arenas (memory-map.ts), so a growth can be placed.
 */
function soakMinutes(samples: SoakSample[]): string[] {
  const measured = samples.filter((p) => p.heapTotalMiB !== undefined);
  const perMinute: SoakSample[] = [];
  for (let minute = 0; measured.length > 0 && minute * 60 <= measured[measured.length - 1].s + 5; minute++) {
    const p = measured.find((q) => q.s >= minute * 60 - 5);
    if (p && !perMinute.includes(p)) perMinute.push(p);
  }
  if (perMinute.length === 0) return [];
  return [
    '| minute | RSS | anonymous | V8 heap reserved / in use | outside the heap (Buffers) | malloc: main thread / other threads | other anonymous (V8 pages of every isolate, stacks) |',
    '|---|---|---|---|---|---|---|',
    ...perMinute.map((p) => `| ${Math.round(p.s / 60)} | ${p.rssMiB} MiB | ${p.anonMiB} MiB | ${p.heapTotalMiB} / ${p.heapUsedMiB} MiB | ${p.externalMiB} MiB | ${p.mainArenaMiB ?? '–'} / ${p.threadArenasMiB ?? '–'} MiB | ${p.otherAnonMiB ?? '–'} MiB |`),
    '',
  ];
}

/** Microseconds as milliseconds, as the report and the console print them: two decimals below 10 ms. */
/** What the loopback figures leave out on a shop's Wi-Fi (not measured here: docs/power.md). */
const WIFI_NOTE = [
  '## On a shop\'s Wi-Fi',
  '',
  'The figures above are on loopback. On Wi-Fi, a pager in modem sleep (its default, `powersave max`, for the battery) hears a frame only when it wakes for a beacon: the access point holds an alert **0–307 ms (about 150 ms on average)** at the usual beacon interval of 102.4 ms and the ESP-IDF listen interval of 3 beacons; with `powersave min`, 0–102 ms. Expect press → wrist ≈ the loopback figure + a few ms for the two Wi-Fi hops + that wait. A button keeps its radio on (`powersave none`): its press leaves at once. Not measured on real hardware by this project; see [power.md](power.md).',
  '',
];

export const ms = (us: number) => (us / 1000).toFixed(us < 10_000 ? 2 : 0);
/** A share of one core as the report and the console print it. */
export const percent = (share: number) => `${Math.round(share * 100)} %`;
export const mib = (bytes: number) => String(Math.round(bytes / 2 ** 20));
/** The hub's CPU over a phase, as a share of one core. */
export const hubCpuShare = (hub: MetricsSnapshot) => (hub.cpuUserMs + hub.cpuSystemMs) / hub.elapsedMs;
const row = (s: LatencySummary) => `${ms(s.p50)} | ${ms(s.p99)} | ${ms(s.p999)} | ${ms(s.max)}`;

function mainPhases(result: BenchResult): PhaseResult[] {
  return result.phases.filter((p) => p.phase === 'main');
}

function chartSvg(result: BenchResult): string {
  const phases = mainPhases(result);
  const stats: [keyof LatencySummary, string][] = [
    ['p50', '#90caf9'],
    ['p99', '#1e88e5'],
    ['p999', '#3949ab'],
    ['max', '#1a237e'],
  ];
  const width = 900;
  const height = 420;
  const left = 70;
  const bottom = 360;
  const top = 40;
  const decades = [0.01, 0.1, 1, 10, 100, 1000];
  const y = (msValue: number) => bottom - ((Math.log10(Math.max(0.01, msValue)) + 2) / 5) * (bottom - top);
  const group = (width - left - 20) / phases.length;
  const bar = (group - 30) / stats.length;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="${left}" y="22" font-size="15" font-weight="bold">Press → pager latency at ${result.settings.rate} presses/s, ${result.settings.devices} devices (ms, log scale)</text>`,
  ];
  for (const d of decades) parts.push(`<line x1="${left}" x2="${width - 20}" y1="${y(d)}" y2="${y(d)}" stroke="#ddd"/><text x="${left - 8}" y="${y(d) + 4}" text-anchor="end">${d}</text>`);
  phases.forEach((phase, i) => {
    const x0 = left + i * group + 15;
    stats.forEach(([stat, color], j) => {
      const value = phase.pressToPagerUs[stat] / 1000;
      const yTop = y(value);
      parts.push(`<rect x="${x0 + j * bar}" y="${yTop}" width="${bar - 2}" height="${bottom - yTop}" fill="${color}"/>`);
      parts.push(`<text x="${x0 + j * bar + bar / 2}" y="${yTop - 4}" text-anchor="middle" font-size="10">${ms(phase.pressToPagerUs[stat])}</text>`);
    });
    parts.push(`<text x="${x0 + (group - 30) / 2}" y="${bottom + 18}" text-anchor="middle">${phase.target}</text>`);
  });
  stats.forEach(([stat, color], j) => parts.push(`<rect x="${left + j * 90}" y="${bottom + 34}" width="12" height="12" fill="${color}"/><text x="${left + j * 90 + 16}" y="${bottom + 44}">${stat === 'p999' ? 'p99.9' : stat}</text>`));
  parts.push('</svg>');
  return parts.join('');
}

async function renderPng(svg: string, file: string): Promise<boolean> {
  if (!hasChromium()) return false;
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 900, height: 420 } });
    await page.setContent(`<html><body style="margin:0">${svg}</body></html>`);
    await page.locator('svg').screenshot({ path: file });
    return true;
  } finally {
    await browser.close();
  }
}

/**
 * The row of a press → pager latency target, with what the machine allowed in
 * this run: the TCP echo floor's own figure and, for the maximum, the
 * machine's longest stall. A miss where the bare round trip missed the same
 * target says so: the machine, not the hub, set the bar.
 */
function latencyTargetRow(result: BenchResult, hub: PhaseResult, echo: PhaseResult | undefined, stat: 'p99' | 'max', targetUs: number): string {
  const valueUs = hub.pressToPagerUs[stat];
  const floorUs = echo?.pressToPagerUs[stat];
  const stalls = stat === 'max' && result.hostStalls ? [...result.hostStalls.before.longestMs, ...result.hostStalls.after.longestMs] : [];
  const context = [floorUs === undefined ? '' : `TCP echo floor's ${stat} ${ms(floorUs)} ms`, stalls.length > 0 ? `machine's longest stall ${Math.max(...stalls).toFixed(1)} ms` : ''].filter(Boolean);
  const verdict = valueUs <= targetUs ? 'met' : floorUs !== undefined && floorUs > targetUs ? '**not met**, nor by the TCP echo floor' : '**not met**';
  return `| press → pager ${stat} ≤ ${targetUs / 1000} ms at ${result.settings.rate}/s | ${ms(valueUs)} ms${context.length > 0 ? ` (${context.join(', ')})` : ''} | ${verdict} |`;
}

/** Sustained: nothing lost, press→PUBACK p99 under 1 s, and the queue did not grow by more than 250 ms over the step (the hub kept up). */
export function isSustained(step: PhaseResult): boolean {
  return step.lost === 0 && step.pressToPubackUs.p99 < 1_000_000 && (step.backlogGrowthUs ?? 0) < 250_000;
}

export async function writeReport(result: BenchResult, docsDir: string): Promise<void> {
  const phases = mainPhases(result);
  const hub = phases.find((p) => p.target === 'loyalty hub');
  const diy = phases.find((p) => p.target === 'mosquitto + mqtt.js forwarder');
  const durableDiy = phases.find((p) => p.target.startsWith('mosquitto + durable'));
  const oneCore = phases.find((p) => p.target.includes('one core'));
  const slowDisk = phases.find((p) => p.target.includes('slow disk'));
  const watched = phases.find((p) => p.live);
  const echo = phases.find((p) => p.target.startsWith('TCP echo'));
  const steps = result.phases.filter((p) => p.target === 'loyalty hub' && p.phase.endsWith('/s'));
  const png = await renderPng(chartSvg(result), join(docsDir, 'benchmarks.png'));
  const verdict = (ok: boolean) => (ok ? 'met' : '**not met**');
  const cpu = (p: PhaseResult) => (p.hub ? percent(hubCpuShare(p.hub)) : '–');
  const lines = [
    '# Benchmarks',
    '',
    `Last run: ${result.date}, \`npm run bench\`${result.quick ? ' --quick' : ''}. Machine: ${result.machine}.`,
    '',
    '## Method',
    '',
    `- The hub runs as its own process (\`${Object.entries(HUB_ENVIRONMENT).map(([name, value]) => `${name}=${value} `).join('')}node ${HUB_NODE_FLAGS.join(' ')} dist/hub/cli.js start\`, as \`npm start\` and the service unit run it) with a real SQLite file (WAL, \`synchronous=FULL\`: every acknowledged press is fsync'd) and durable acknowledgement on. The load generator is another process on the same machine (2 cores), at a lower scheduling priority (nice 10) so that its busy-wait before each scheduled press yields to the system under test.`,
    `- ${result.settings.devices} devices speak the real protocol over TCP (a fifth of them pagers, each button routed to one pager): buttons publish QoS 1 presses, pagers subscribe to their alerts and acknowledge them. The generator uses a lean raw-socket MQTT client built on the firmware's own packet codec.`,
    `- Open loop: presses are scheduled at a fixed rate (${result.settings.rate}/s for ${result.settings.durationS} s after a ${result.settings.warmupS} s warm-up, spread round-robin over the buttons), and every latency is measured from the press's **scheduled** time, so a stall shows up in the numbers instead of slowing the generator down (coordinated omission). Histograms are HDR (hdr-histogram-js), 3 significant digits.`,
    '- **press → pager**: scheduled press time → the alert arriving at the pager client (same clock). **press → PUBACK**: scheduled press time → the PUBACK at the button: the cost of durability. **hub-added**: measured inside the hub, press packet in (`authorizePublish`) → the alert\'s bytes handed to the pager\'s socket (the hub\'s write coalescing reports the moment it flushes them).',
    `- Capacity: the same load at rising rates (${result.settings.stepRates.join(', ')} presses/s, ${result.settings.stepS} s each); a rate counts as sustained with zero presses lost (every press acknowledged and paged), press→PUBACK p99 under 1 s, and a queue that did not grow: the median press→PUBACK of the step's last fifth of presses at most 250 ms above that of its first fifth (a hub a few per cent short of the rate would fall further behind with every second). The generator reports its own CPU: both processes share the 2 cores. Burst: one client sends ${result.settings.burst} QoS 1 presses back to back.`,
    '- Peers, same load in the same run: (1) a raw TCP echo between two processes, the floor (its "press → pager" is the round trip); (2) Debian\'s mosquitto, configured as a latency-minded user would (`set_tcp_nodelay true`), with a minimal mqtt.js process forwarding each press to the pager topic, no persistence: what a Node-RED/Home Assistant user builds; (3) the same with a careful forwarder that stores each press in SQLite (WAL, `synchronous=FULL`: fsync\'d) before forwarding it — "durable" against "durable", though mosquitto still PUBACKs the button on receipt, before anything is on disk; (4) this hub with `durability: "none"` (PUBACK before the write, SQLite without fsync): what durability costs.',
    '- Cost: CPU time (user + system, every thread) and resident memory of **all** of a system\'s processes, read from `/proc` before and after the main phase: mosquitto and its forwarder for the DIY peers, the echo server, the hub\'s one process. CPU per press = that CPU time / presses of the phase.',
    '- Runs up to 2026-11-22 started mosquitto with its defaults, which leave Nagle\'s algorithm on: a forwarded alert waited for the previous segment\'s acknowledgement, which the receiver delays (~40 ms), so that peer showed press → pager p99 ≈ 44 ms. That was the configuration, not mosquitto; with `set_tcp_nodelay true` the DIY peer is about as fast as the hub (below).',
    '- The shop\'s computer is weaker than this one: the hub runs the main phase again (a) pinned to one CPU (`taskset -c 0`; the generator keeps both cores, so it competes for that one too) and (b) with every commit of its journal 20 ms slower (`LOYALTY_HUB_COMMIT_DELAY_MS=20`, the storage-fault hook the tests use, inside the commit on the journal\'s worker thread: an SD card whose fsync takes 20 ms more). "Writes per commit" is how many writes (presses, incidents, events) one group commit carried.',
    '- Owners watching: the main phase again with 50 dashboards holding the live stream (`/api/live`, server-sent events) open with an owner\'s session. One of them reads the "today" view and its changes (after the first view the hub sends only the incidents that changed) and times, for each press, how long after it was made the page\'s count included it (the hub sends a view at most every 100 ms, and less often when making and sending it takes more than 1 % of the hub\'s time, its queries on the journal\'s worker included, or its bytes to all dashboards together would go over 2 MiB/s). The other 49 only take their bytes, in a process of their own that reads each stream once a second (`scripts/bench/live-streams.ts`): the hub writes every round to each of them, but their reading, which a browser does on its own machine, does not share the hub\'s two cores fifty times a round.',
    '- The per-device rate limit is raised for the bench (it is a safety valve per button, not the hub\'s capacity); escalation timers are set long so that only presses create traffic.',
    `- The machine's own stalls, before and after the systems run: one thread per core spins on the clock for ${result.settings.hostStallS} s with nothing else running, and every gap between two readings is time the machine took that core away (interrupts, kernel threads, on a virtual machine the host). A message in flight during such a gap waits it out whatever the software does, so these gaps bound how low a maximum can be.`,
    '',
    ...(result.hostStalls
      ? ['## The machine\'s own stalls', '', `- Before: ${describeHostStalls(result.hostStalls.before)}.`, `- After: ${describeHostStalls(result.hostStalls.after)}.`, '']
      : []),
    '## Latency at the main rate (ms)',
    '',
    '| system | press→pager p50 | p99 | p99.9 | max | press→PUBACK p50 | p99 | p99.9 | max | lost |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...phases.map((p) => `| ${p.target} | ${row(p.pressToPagerUs)} | ${row(p.pressToPubackUs)} | ${p.lost} |`),
    '',
    png ? `![Press → pager latency, ${phases.length} systems](benchmarks.png)` : '(No chart: chromium is not installed.)',
    '',
    '## What each system costs at the main rate',
    '',
    '| system | processes | CPU per press (µs) | CPU (of one core) | RSS at the end / peak | of which anonymous (not file-backed) |',
    '|---|---|---|---|---|---|',
    ...phases.filter((p) => p.cost).map((p) => `| ${p.target} | ${p.cost!.processes} | ${Math.round(p.cost!.cpuUsPerPress)} | ${percent(p.cost!.cpuShare)} | ${mib(p.cost!.rssBytes)} / ${mib(p.cost!.peakRssBytes)} MiB | ${mib(p.cost!.rssAnonBytes)} MiB |`),
    '',
    'RSS from `/proc/<pid>/status`, summed over the system\'s processes, at the end of the main phase and the highest of the samples taken every second during it. "Anonymous" is the part not backed by a file: the processes\' own heaps and stacks; the rest is mostly the executables\' pages (the node binary, ~45–55 MiB of every node process), shared with any other process running them and dropped by the kernel under memory pressure.',
    '',
    '## Inside the hub at the main rate',
    '',
    '| system | hub-added p50 | p99 | p99.9 | max (ms) | press→durable p99 (ms) | writes per commit p50 / p99 / max | event-loop delay p99 (ms) | CPU (of one core) | RSS |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...phases
      .filter((p) => p.hub)
      .map(
        (p) =>
          `| ${p.target} | ${row(p.hub!.hubAddedUs)} | ${p.hub!.durableUs.count > 0 ? ms(p.hub!.durableUs.p99) : '–'} | ${p.hub!.commitOps ? `${p.hub!.commitOps.p50} / ${p.hub!.commitOps.p99} / ${p.hub!.commitOps.max}` : '–'} | ${ms(p.hub!.eventLoopDelayUs.p99)} | ${cpu(p)} | ${Math.round(p.hub!.rssBytes / 2 ** 20)} MiB |`,
      ),
    '',
    '## Capacity',
    '',
    '| offered presses/s | lost | press→pager p99 | press→PUBACK p99 | queue growth | hub-added p99 (ms) | hub CPU | generator CPU | sustained |',
    '|---|---|---|---|---|---|---|---|---|',
    ...steps.map(
      (p) =>
        `| ${p.rate} | ${p.lost} | ${ms(p.pressToPagerUs.p99)} | ${ms(p.pressToPubackUs.p99)} | ${p.backlogGrowthUs === undefined ? '–' : ms(p.backlogGrowthUs)} | ${p.hub ? ms(p.hub.hubAddedUs.p99) : '–'} | ${cpu(p)} | ${p.generatorCpu === undefined ? '–' : percent(p.generatorCpu)} | ${isSustained(p) ? 'yes' : 'no'} |`,
    ),
    '',
    `Highest rate sustained with zero loss: **${result.maxSustainedRate ?? 'none of the steps'}${result.maxSustainedRate ? ' presses/s' : ''}**.`,
    result.burst ? `Burst: ${result.burst.presses} QoS 1 presses from one client, ${result.burst.acked} acknowledged in ${result.burst.seconds.toFixed(1)} s; the hub ${result.burst.hubAlive ? 'stayed up' : 'went DOWN'}.` : '',
    '',
    ...(result.startup
      ? [
          '## Start-up and a year of data',
          '',
          `The hub's database filled with ${result.startup.days} days of a busy café (${result.startup.presses} presses, a third red, ${result.startup.incidents} incidents resolved with outcomes, ${result.startup.events} events; ${(result.startup.dbBytes / 2 ** 20).toFixed(1)} MiB), written with the hub's own write path (\`scripts/bench/year-database.ts\`). **Ready**: a new hub process, from spawn until it prints that it listens (database opened and checked with \`quick_check\`, state restored, MQTT and HTTP up); ${result.startup.readyMs.length} starts in a row, the file in the OS's page cache after the first. Then the owner's views of that database, asked for one after another over HTTP with a session, ${result.startup.answers[0]?.requests ?? 0} times each.`,
          '',
          `Ready in: ${result.startup.readyMs.map((v) => `${v} ms`).join(', ')}.`,
          '',
          '| view | request | p50 (ms) | p99 (ms) | max (ms) |',
          '|---|---|---|---|---|',
          ...result.startup.answers.map((a) => `| ${a.view} | \`${a.path.replace(/\d{4}-\d{2}-\d{2}/g, 'YYYY-MM-DD')}\` | ${a.p50Ms} | ${a.p99Ms} | ${a.maxMs} |`),
          '',
        ]
      : []),
    ...(result.soak
      ? [
          `## Soak: ${result.soak.minutes} minutes at the main rate`,
          '',
          `${result.soak.presses} presses, ${result.soak.lost} lost, press → pager p99 ${ms(result.soak.pressToPagerUs.p99)} ms. The hub's RSS from /proc every 10 s: ${result.soak.samples.map((p) => `${p.rssMiB}`).join(', ')} MiB; least-squares slope **${result.soak.slopeMiBPerMin} MiB/min**${result.soak.secondHalfSlopeMiBPerMin === undefined ? '' : ` (over the second half alone: ${result.soak.secondHalfSlopeMiBPerMin} MiB/min)`}.`,
          '',
          ...soakMinutes(result.soak.samples),
        ]
      : []),
    '## Against the targets',
    '',
    '| target | result | |',
    '|---|---|---|',
    hub?.hub ? `| hub-added p99 ≤ 0.3 ms at ${result.settings.rate}/s | ${ms(hub.hub.hubAddedUs.p99)} ms | ${verdict(hub.hub.hubAddedUs.p99 <= 300)} |` : '',
    hub ? latencyTargetRow(result, hub, echo, 'p99', 2000) : '',
    hub ? latencyTargetRow(result, hub, echo, 'max', 10_000) : '',
    `| ≥ 20 000 presses/s sustained without loss | ${result.maxSustainedRate ?? 0}/s | ${verdict((result.maxSustainedRate ?? 0) >= 20_000)} |`,
    result.burst ? `| burst of ${result.burst.presses} QoS 1 presses does not crash the hub | ${result.burst.acked} acknowledged | ${verdict(result.burst.hubAlive && result.burst.acked === result.burst.presses)} |` : '',
    oneCore ? latencyTargetRow(result, oneCore, echo, 'p99', 2000).replace('| press → pager', '| one core: press → pager') : '',
    slowDisk ? `| slow disk (+20 ms a commit): press→PUBACK p99 ≤ 100 ms at ${result.settings.rate}/s | ${ms(slowDisk.pressToPubackUs.p99)} ms (writes per commit p99 ${slowDisk.hub?.commitOps?.p99 ?? '–'}) | ${verdict(slowDisk.pressToPubackUs.p99 <= 100_000)} |` : '',
    slowDisk && hub ? `| slow disk: pages unaffected (press → pager p99 within 0.5 ms of the hub's) | ${ms(slowDisk.pressToPagerUs.p99)} vs ${ms(hub.pressToPagerUs.p99)} ms | ${verdict(slowDisk.pressToPagerUs.p99 <= hub.pressToPagerUs.p99 + 500)} |` : '',
    hub?.cost ? `| hub RSS ≤ 120 MiB with ${result.settings.devices} devices at ${result.settings.rate}/s (the peak of the phase) | ${mib(hub.cost.peakRssBytes)} MiB (${mib(hub.cost.rssBytes)} at the end) | ${verdict(hub.cost.peakRssBytes <= 120 * 2 ** 20)} |` : '',
    result.soak ? `| memory flat over a ${result.soak.minutes}-minute soak | slope ${result.soak.slopeMiBPerMin} MiB/min (${result.soak.samples[0].rssMiB} → ${result.soak.samples[result.soak.samples.length - 1].rssMiB} MiB) | ${verdict(Math.abs(result.soak.slopeMiBPerMin) <= 0.5)} |` : '',
    result.startup ? `| cold start to ready ≤ 1 s with a year of data | ${Math.max(...result.startup.readyMs)} ms at worst of ${result.startup.readyMs.length} | ${verdict(Math.max(...result.startup.readyMs) <= 1000)} |` : '',
    ...(result.startup?.answers ?? []).filter((a) => !a.view.includes('90') && !a.view.startsWith('history')).map((a) => `| ${a.view} of a year-sized database ≤ 200 ms | p50 ${a.p50Ms} / p99 ${a.p99Ms} ms | ${verdict(a.p99Ms <= 200)} |`),
    watched && hub ? `| ${watched.live!.streams} live dashboards open: press → pager p99 within 0.5 ms of the hub's | ${ms(watched.pressToPagerUs.p99)} vs ${ms(hub.pressToPagerUs.p99)} ms; the page's count showed a press after p50 ${ms(watched.live!.updateDelayUs.p50)} / p99 ${ms(watched.live!.updateDelayUs.p99)} ms | ${verdict(watched.pressToPagerUs.p99 <= hub.pressToPagerUs.p99 + 500)} |` : '',
    hub && diy ? `| press → pager p99 no worse than mosquitto DIY (nodelay) | ${ms(hub.pressToPagerUs.p99)} vs ${ms(diy.pressToPagerUs.p99)} ms | ${verdict(hub.pressToPagerUs.p99 <= diy.pressToPagerUs.p99)} |` : '',
    hub && durableDiy ? `| press → pager p99 no worse than the durable DIY peer | ${ms(hub.pressToPagerUs.p99)} vs ${ms(durableDiy.pressToPagerUs.p99)} ms | ${verdict(hub.pressToPagerUs.p99 <= durableDiy.pressToPagerUs.p99)} |` : '',
    '',
  ];
  lines.push(...WIFI_NOTE);
  const findings = join(docsDir, 'benchmarks-findings.md');
  if (existsSync(findings)) lines.push('## What we found and fixed', '', `See [benchmarks-findings.md](benchmarks-findings.md).`, '');
  writeFileSync(join(docsDir, 'benchmarks.md'), lines.filter((line, i, all) => !(line === '' && all[i - 1] === '')).join('\n'));
}
