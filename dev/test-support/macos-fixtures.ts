// What a Mac prints, taken from the upstream sources (no Mac runs the tests): bootpd's lease
// file, `arp -an`'s lines and socketfilterfw's words, and a runner that answers them. Cited per fixture.

/**
 * /var/db/dhcpd_leases as bootpd writes it (apple-oss-distributions/bootp, bootpd.tproj/dhcpd.c:405-441):
 * minikube's test fixture verbatim (kubernetes/minikube pkg/drivers/common/dhcp/lease_test.go:28-57),
 * with a zero-stripped MAC (8e:1:99:…) and a DUID entry (hw_address=ff,…).
 */
export const MINIKUBE_LEASES = `{
        name=foo
        ip_address=1.2.3.4
        hw_address=1,a1:b2:c3:d4:e5:f6
        identifier=1,a2:b3:c4:d5:e6:f7
        lease=0x597e1267
}
{
        name=bootp
        ip_address=192.168.105.2
        hw_address=1,8e:1:99:9c:54:b1
        identifier=1,8e:1:99:9c:54:b1
        lease=0x597e1268
}
{
        name=duid-vm
        ip_address=192.168.64.30
        hw_address=ff,f1:f5:dd:7f:0:2:0:0:ab:11:b5:40:7c:3:e2:a9:8c:b3
        identifier=ff,f1:f5:dd:7f:0:2:0:0:ab:11:b5:40:7c:3:e2:a9:8c:b3
        lease=0x6782bfd4
}
{
        name=bar
        ip_address=192.168.64.3
        hw_address=1,a4:b5:c6:d7:e8:f9
        identifier=1,a0:b0:c0:d0:e0:f0
        lease=0x597e1267
}`;

/** `arp -an` lines in arp.c's format ("%s (%s) at ", the link address by %x per byte, " on %s", " ifscope", " permanent", " [ethernet]": network_cmds arp.tproj/arp.c:620-707). */
export const ARP_AN = [
  '? (192.168.105.1) at 8e:1:99:9c:54:1 on bridge100 ifscope permanent [ethernet]',
  '? (192.168.105.7) at 52:54:0:aa:0:2 on bridge100 ifscope [ethernet]',
  '? (192.168.105.9) at (incomplete) on bridge100 ifscope [ethernet]',
].join('\n');

/**
 * `socketfilterfw --listapps` with bootpd allowed, and the words of `--getglobalstate` and
 * `--getallowsigned`, as minikube reads them (pkg/minikube/firewall/firewall.go:41-62: "Firewall
 * is disabled", "Automatically allow built-in signed software ENABLED", and bootpd's line followed
 * by a "( Allow" line). No upstream test holds the real output: the shape is what that reader takes.
 */
export const SOCKETFILTERFW = {
  enabled: 'Firewall is enabled. (State = 1)\n',
  disabled: 'Firewall is disabled. (State = 0)\n',
  signedOff: 'Automatically allow built-in signed software DISABLED.\n',
  signedOn: 'Automatically allow built-in signed software ENABLED.\n',
  bootpdAllowed: 'ALF: total number of apps = 1\n\n1 :  /usr/libexec/bootpd\n \t ( Allow incoming connections )\n',
  bootpdBlocked: 'ALF: total number of apps = 1\n\n1 :  /usr/libexec/bootpd\n \t ( Block incoming connections )\n',
};

/** A runner that answers socketfilterfw with `answers` (by its first argument), `arp -an` with ARP_AN, and fails anything else. */
export const fakeMacRunner = (answers: Record<string, string>) => async (cmd: string, args: string[]): Promise<string> => {
  if (cmd === 'arp' && args.join(' ') === '-an') return ARP_AN;
  if (cmd !== '/usr/libexec/ApplicationFirewall/socketfilterfw' || !(args[0]! in answers)) throw new Error(`unexpected ${cmd} ${args.join(' ')}`);
  return answers[args[0]!]!;
};
