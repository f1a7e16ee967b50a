// A test's own MQTT client against a broker that may be slow to take it (the
// head office's NATS cluster setting an account's MQTT streams up).
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';

/**
 * Connected once: the client retries its connect, as a socket the broker
 * closes before its CONNACK leaves mqtt.js 5's connectAsync without retries
 * waiting forever (it reports no error for that; checked with 5.16), and
 * does not reconnect afterwards, so nothing it published is sent twice.
 * Bound the wait yourself.
 */
export async function connectOnce(url: string, options: IClientOptions): Promise<MqttClient> {
  const client = await mqtt.connectAsync(url, { ...options, reconnectPeriod: 1_000 });
  client.options.reconnectPeriod = 0;
  return client;
}
