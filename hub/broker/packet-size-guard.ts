// Follows MQTT framing in the bytes a connection sends and reports a packet
// whose declared length is over the limit, before the broker buffers it.
// MQTT fixed header: one type byte, then the remaining length as a base-128
// varint of at most four bytes, then that many bytes.

export class MqttFrameMeter {
  private state: 'type' | 'length' | 'body' = 'type';
  private length = 0;
  private multiplier = 1;
  private lengthBytes = 0;
  private bodyLeft = 0;

  constructor(private readonly maxRemainingLength: number) {}

  /** Reads a chunk; returns why the connection must close, or null while it is fine. */
  feed(chunk: Uint8Array): string | null {
    let i = 0;
    while (i < chunk.length) {
      if (this.state === 'type') {
        this.state = 'length';
        this.length = 0;
        this.multiplier = 1;
        this.lengthBytes = 0;
        i++;
      } else if (this.state === 'length') {
        const byte = chunk[i++];
        this.length += (byte & 0x7f) * this.multiplier;
        this.multiplier *= 128;
        this.lengthBytes++;
        if (this.length > this.maxRemainingLength) return `packet of ${this.length}+ bytes, limit ${this.maxRemainingLength}`;
        if (byte & 0x80) {
          if (this.lengthBytes === 4) return 'malformed remaining length';
        } else if (this.length === 0) {
          this.state = 'type';
        } else {
          this.state = 'body';
          this.bodyLeft = this.length;
        }
      } else {
        const take = Math.min(this.bodyLeft, chunk.length - i);
        this.bodyLeft -= take;
        i += take;
        if (this.bodyLeft === 0) this.state = 'type';
      }
    }
    return null;
  }
}
