// The names and addresses the hub answers to. A browser sends the name it
// used in Host, and the page it came from in Origin: a request under another
// name is DNS rebinding (a foreign name pointed at the hub), a WebSocket from
// another origin is a foreign page driving the hub from a visitor's browser.
// Defaults suit a shop's LAN: localhost, the machine's name (and name.local),
// every address of its interfaces; more in http.allowedHosts.
import { hostname, networkInterfaces } from 'node:os';

export function allowedHostnames(extra: string[]): Set<string> {
  const names = new Set(['localhost', hostname().toLowerCase(), `${hostname().toLowerCase()}.local`, ...extra.map((h) => h.toLowerCase())]);
  for (const addresses of Object.values(networkInterfaces())) {
    for (const address of addresses ?? []) names.add(address.address.split('%')[0].toLowerCase());
  }
  return names;
}

/** The name in a Host header: "[::1]:8080" → "::1", "Hub.Local:80" → "hub.local"; null when malformed. */
export function hostnameOf(host: string | undefined): string | null {
  if (!host) return null;
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(host);
  if (bracketed) return bracketed[1].toLowerCase();
  const plain = /^([^:]+)(?::\d+)?$/.exec(host);
  return plain ? plain[1].toLowerCase() : null;
}

/** The name in an Origin header ("http://hub.local:8080" → "hub.local"); null when it is not a URL ("null"). */
export function originHostname(origin: string): string | null {
  try {
    return new URL(origin).hostname.replace(/^\[|\]$/g, '').toLowerCase();
  } catch {
    return null;
  }
}
