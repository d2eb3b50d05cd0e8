// Seed 003's console-log tier: cloud-init's ci-info table, IPv4 and MAC, the IPv6-only first boot.
import { describe, expect, it } from 'vitest';
import { consoleLogAddress } from './console-log.js';

// cloud-init's table as Ubuntu 24.04 prints it on the serial console (seed 003).
const table = (rows: string[]) => [
  '[   12.345678] cloud-init[612]: Cloud-init v. 24.1.3 running \'init\' at Mon, 23 Nov 2026 10:00:00 +0000.',
  'ci-info: ++++++++++++++++++++++++++++++++++++++Net device info+++++++++++++++++++++++++++++++++++++++',
  'ci-info: +--------+------+------------------------------+---------------+--------+-------------------+',
  'ci-info: | Device |  Up  |           Address            |      Mask     | Scope  |     Hw-Address    |',
  'ci-info: +--------+------+------------------------------+---------------+--------+-------------------+',
  ...rows,
  'ci-info: |   lo   | True |          127.0.0.1           |   255.0.0.0   |  host  |         .         |',
  'ci-info: +--------+------+------------------------------+---------------+--------+-------------------+',
].join('\n');

const V4 = 'ci-info: |  ens3  | True |        192.168.1.123         | 255.255.255.0 | global | 52:54:00:15:7a:e3 |';
const V6 = 'ci-info: |  ens3  | True | fe80::5054:ff:fe15:7ae3/64   |       .       |  link  | 52:54:00:15:7a:e3 |';

describe('the console log tier', () => {
  it("takes the IPv4 of the VM's interface from cloud-init's table", () => {
    expect(consoleLogAddress(table([V4, V6]), '52:54:00:15:7a:e3')).toEqual({ ipv4: '192.168.1.123', mac: '525400157AE3' });
  });
  it('first boot: only IPv6 logged, so no IPv4, but the MAC for the ARP tier', () => {
    expect(consoleLogAddress(table([V6]), null)).toEqual({ ipv4: null, mac: '525400157AE3' });
  });
  it("the last boot's table wins; another VM's MAC or loopback never counts", () => {
    const later = V4.replace('192.168.1.123', '192.168.1.200');
    expect(consoleLogAddress(`${table([V4])}\nreboot\n${table([later])}`, '52:54:00:15:7a:e3').ipv4).toBe('192.168.1.200');
    expect(consoleLogAddress(table([V4]), '52:54:00:00:00:01')).toEqual({ ipv4: null, mac: null });
    expect(consoleLogAddress('no table here\n', null)).toEqual({ ipv4: null, mac: null });
  });
});
