// Clones of one image: guests that share /etc/machine-id also share their DHCP client id, so a
// DHCP server gives them one address (a duplicate IP now, or at the next lease). Found from the
// guest checks of the VMs the tray could reach; the fix runs in the clone.

import { warning, type Warning } from '../warning.js';

export const MACHINE_ID_FIX = 'sudo rm /etc/machine-id && sudo systemd-machine-id-setup, then renew its lease (reboot it, or sudo networkctl renew <interface>)';

/** Why two VMs share an address, said where a duplicate is shown, with the fix. */
export const DUPLICATE_WHY = `Two VMs with one IPv4 are nearly always clones of one image sharing /etc/machine-id, which systemd uses as the DHCP client id. In the clone, run: ${MACHINE_ID_FIX}.`;

/** Per machine, a warning naming the VMs it shares its machine-id with. */
export function cloneWarnings(machineIds: ReadonlyMap<string, string | null>): Map<string, Warning> {
  const byId = new Map<string, string[]>();
  for (const [machine, id] of machineIds) if (id) byId.set(id, [...(byId.get(id) ?? []), machine]);
  const out = new Map<string, Warning>();
  for (const machines of byId.values()) {
    if (machines.length < 2) continue;
    for (const m of machines) {
      const others = machines.filter((x) => x !== m).join(', ');
      out.set(m, warning('cloned-image', `Cloned image: ${m} shares /etc/machine-id with ${others}, so DHCP gives them one address (now or at the next lease). In the clone, run: ${MACHINE_ID_FIX}.`));
    }
  }
  return out;
}
