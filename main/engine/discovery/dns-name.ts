// Seed 003's fourth tier: the name the guest registered with the DHCP server's DNS (dnsmasq adds
// every client's hostname). Asked of that server only, with a deadline: a DNS server that does
// not answer must not hold up a pass.

import { Resolver } from 'node:dns/promises';
import { isUsableIpv4 } from './net-address.js';

export async function resolveRegisteredName(name: string, server: string, timeoutMs = 1500): Promise<string | null> {
  const resolver = new Resolver({ timeout: timeoutMs, tries: 1 });
  resolver.setServers([server]);
  try {
    const addresses = await resolver.resolve4(name);
    return addresses.find((a) => isUsableIpv4(a)) ?? null;
  } catch {
    return null; // not registered (yet), or no answer: the tier has nothing to say
  }
}
