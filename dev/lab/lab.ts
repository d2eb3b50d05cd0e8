// A lab of real Linux guests on this machine, for proving the engine against real SSH, real
// DHCP and real /etc/hosts files. A guest is a network namespace with a veth on the lab's
// bridge, an IPv4 leased by dnsmasq to a udhcpc client, a real OpenSSH sshd, and its own
// /etc/hosts (`ip netns exec` bind-mounts /etc/netns/NAME/hosts over /etc/hosts, as containers
// do). Lab addresses live on the lab's bridge and in its namespaces only. `down` removes every
// process, link, namespace, user and file `up` made, and works on a half-built lab too.

// This module is the lab's public face; the work is in lab-lifecycle.ts (up and down), one
// module per kind (lab-netns.ts, lab-qemu.ts, lab-libvirt.ts) and their network (lab-bridge.ts),
// lab-fixtures.ts (the project files), lab-faults.ts (breaking guests) and lab-record.ts.

export { LabError, paths, readRecord, type LabGuest, type LabRecord, type LabSummary } from './lab-record.js';
export { labDown, labDownAll, labUp, type LabOptions } from './lab-lifecycle.js';
export { killQemu, quickemuPaths, startQemu } from './lab-qemu.js';
export { labScenario, writeScenario } from './lab-fixtures.js';
export { LabControl } from './lab-faults.js';
