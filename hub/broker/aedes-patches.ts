// The hub's patches of library internals, together, each with what it relies
// on. Checked against aedes 1.2.0 and mqtt-packet 9.0.2 (package-lock.json);
// test/hub/broker/aedes-patches.test.ts fails if a new version changes what
// they rely on, so an upgrade is a test run, not a hunt.
import type { Duplex } from 'node:stream';
import type { Aedes, Client, PublishPacket } from 'aedes';
import mqttPacket from 'mqtt-packet';
import { UPLINK } from '../../shared/topics.js';
import { beforeWrite } from './coalesced-writes.js';

type Callback = (error?: Error | null) => void;

/**
 * A device's uplinks other than its retained status end at the hub: the
 * ACLs let no client subscribe to another device's topics, so aedes'
 * routing of them after the PUBACK (retained store, a topic match for
 * offline sessions, the emitter's own match, the published hook) finds
 * nobody, yet it was a large share of the broker's work per press. They
 * skip it; every other publish, the hub's own included, is routed as usual.
 * A device's publish (or will) reaches this point only after
 * authorizePublish allowed it, i.e. on one of its own uplink topics, so its
 * topic alone tells whether it is the status.
 *
 * Relies on: aedes calls broker.publish(packet, client, done) for a client's
 * publish after authorizePublish (lib/handlers/publish.js); its typings
 * declare only the public publish(packet, done).
 */
export function skipRoutingOfHubOnlyUplinks(broker: Aedes): void {
  const route = broker.publish.bind(broker) as unknown as (packet: PublishPacket, client: Client | null, done?: Callback) => void;
  const statusSuffix = `/${UPLINK.status}`;
  const publish = (packet: PublishPacket, client: Client | null | Callback, done?: Callback): void => {
    if (typeof client === 'function') return route(packet, null, client);
    if (client && !packet.topic.endsWith(statusSuffix)) return done?.(null);
    route(packet, client, done);
  };
  broker.publish = publish as unknown as Aedes['publish'];
}

/**
 * Gathers what is written to a connection in one phase of the event loop into
 * one system call. mqtt-packet corks each packet and uncorks it on the next
 * tick, so every packet was a writev of its own: a third of the hub's CPU at
 * 20 000 presses/s. Writes are flushed at setImmediate: a commit's PUBACKs
 * and everything the socket reads of one loop iteration cause leave together
 * in its check phase, one write per connection. Writes made in the check
 * phase itself (aedes writes alerts from a setImmediate of its own) would
 * wait a whole iteration for that; see flushAfterQueuedImmediates. A
 * connection aedes closes after a write (a refused CONNACK) closes from a
 * setImmediate queued after the flush. Past the stream's high-water mark,
 * write() still returns false and aedes waits for 'drain' as before.
 *
 * Relies on: mqtt-packet's writeToStream writes a Buffer payload as a chunk
 * of its own, the very Buffer the hub made (whenSent finds it by identity).
 */
export function coalesceWrites(stream: Duplex): void {
  const write = stream.write;
  stream.write = function (this: Duplex, ...args: unknown[]) {
    beforeWrite(stream, args[0]);
    return (write as (...a: unknown[]) => boolean).apply(this, args);
  } as Duplex['write'];
}

/**
 * Message ids written as they are needed. By default mqtt-packet makes, on
 * its first write, a 2-byte Buffer for each of the 65 536 possible message
 * ids and keeps them for the life of the process: 65 536 Buffer objects, 6 MB
 * of the hub's heap (a heap snapshot under load: docs/benchmarks-findings.md
 * §14), on a board with 512 MB. Without the cache a QoS 1 packet's id costs
 * one 2-byte allocation from Node's buffer pool.
 *
 * Relies on: mqtt-packet's documented writeToStream.cacheNumbers switch,
 * set before the first packet is written (the cache is built on that write);
 * one copy of mqtt-packet in the install, shared by aedes and mqtt.js.
 */
export function writeMessageIdsOnDemand(): void {
  mqttPacket.writeToStream.cacheNumbers = false;
}
