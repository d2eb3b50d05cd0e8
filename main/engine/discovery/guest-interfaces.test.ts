// The one reading of a guest agent's interfaces and the one choice of the VM's own NIC by MAC
// that quickemu, libvirt and Proxmox VE share: lo, docker0 and a MAC-less tun never lend their
// address, and a bridge or VLAN the guest built on its NIC (same MAC, the address on it) does.
import { describe, expect, it } from 'vitest';
import { ownNicAddress, parseGuestNetworkInterfaces } from './guest-interfaces.js';

// What qemu-ga 7.2 answers for a guest with Docker and a bridge over its NIC (qga/commands-posix.c
// reports each interface with its own hardware-address; a bridge takes its first port's MAC).
const ANSWER = [
  { name: 'lo', 'hardware-address': '00:00:00:00:00:00', 'ip-addresses': [{ 'ip-address-type': 'ipv4', 'ip-address': '127.0.0.1', prefix: 8 }] },
  { name: 'eth0', 'hardware-address': '52:54:00:ab:cd:01', 'ip-addresses': [{ 'ip-address-type': 'ipv6', 'ip-address': 'fe80::5054:ff:feab:cd01', prefix: 64 }] },
  { name: 'docker0', 'hardware-address': '02:42:ac:11:00:01', 'ip-addresses': [{ 'ip-address-type': 'ipv4', 'ip-address': '172.17.0.1', prefix: 16 }] },
  { name: 'br0', 'hardware-address': '52:54:00:ab:cd:01', 'ip-addresses': [{ 'ip-address-type': 'ipv4', 'ip-address': '10.9.0.23', prefix: 24 }] },
  { name: 'tun0', 'ip-addresses': [{ 'ip-address-type': 'ipv4', 'ip-address': '10.8.0.2', prefix: 24 }] },
  { 'hardware-address': '52:54:00:ab:cd:01' },
  'not an interface',
];

describe('parseGuestNetworkInterfaces', () => {
  it('keeps named interfaces with their normalised MAC and their IPv4s only', () => {
    expect(parseGuestNetworkInterfaces(ANSWER)).toEqual([
      { name: 'lo', mac: '000000000000', ipv4: ['127.0.0.1'] },
      { name: 'eth0', mac: '525400ABCD01', ipv4: [] },
      { name: 'docker0', mac: '0242AC110001', ipv4: ['172.17.0.1'] },
      { name: 'br0', mac: '525400ABCD01', ipv4: ['10.9.0.23'] },
      { name: 'tun0', mac: null, ipv4: ['10.8.0.2'] },
    ]);
    expect(parseGuestNetworkInterfaces({ error: 'x' })).toEqual([]);
  });
});

describe('ownNicAddress', () => {
  const interfaces = parseGuestNetworkInterfaces(ANSWER);

  it("takes the address from whichever interface carries the VM's MAC and has one (br0 over eth0), never docker0's or a tun's", () => {
    expect(ownNicAddress(interfaces, ['52:54:00:AB:CD:01'])).toEqual({ nic: interfaces[3], ipv4: '10.9.0.23' });
  });

  it('any of several MACs (a VM with net0 and net1), in any spelling', () => {
    expect(ownNicAddress(interfaces, ['00-11-22-33-44-55', '525400abcd01'])).toEqual({ nic: interfaces[3], ipv4: '10.9.0.23' });
  });

  it('tells "no interface has the MAC" (nic null) from "no usable address on it yet" (lo: 127.0.0.1 is none)', () => {
    expect(ownNicAddress(interfaces, ['52:54:00:00:00:99'])).toEqual({ nic: null, ipv4: null });
    expect(ownNicAddress(interfaces, ['00:00:00:00:00:00'])).toEqual({ nic: interfaces[0], ipv4: null });
    expect(ownNicAddress(interfaces.slice(0, 2), ['52:54:00:ab:cd:01'])).toEqual({ nic: interfaces[1], ipv4: null });
    expect(ownNicAddress(interfaces, [])).toEqual({ nic: null, ipv4: null });
  });
});
