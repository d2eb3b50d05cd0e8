// Starting and stopping a Proxmox VE guest through the same pinned-certificate API client:
// `POST /nodes/{node}/{qemu|lxc}/{vmid}/status/start|shutdown|reboot` (qemu-server
// src/PVE/API2/Qemu.pm:3494-3501 vm_start, :3857-3866 vm_shutdown, :3973-3981 vm_reboot; each
// `proxyto => 'node'` and checked with `['perm', '/vms/{vmid}', ['VM.PowerMgmt']]`). Each answers
// with the UPID of the task it forked (`fork_worker`, :3676, :3967, :4023); the task does the
// work, so a start of a running VM fails in its task log only (src/PVE/QemuServer.pm:5531). A
// token without VM.PowerMgmt gets 403 "Permission check failed (/vms/<vmid>, VM.PowerMgmt)"
// before any task starts; a container's endpoints are pve-container's, checked alike.

import { HypervisorError } from '../../errors.js';
import type { VmObservation } from '../../discovery/observation.js';
import type { PowerAction } from '../../discovery/provider.js';
import { ProxmoxApiError, type ProxmoxClient } from './proxmox-client.js';

const CALL: Record<PowerAction, string> = { start: 'start', stop: 'shutdown', restart: 'reboot' };
const DONE: Record<PowerAction, string> = { start: 'is starting', stop: 'is shutting down', restart: 'is rebooting' };

/** The privilege power needs, and how to grant it beside the read-only role the README has the user make. */
export const POWER_PRIVILEGE_HELP = "Power needs VM.PowerMgmt on /vms (or on this guest's /vms/<vmid>): e.g. pveum role add RagnatrampTrayPower -privs VM.PowerMgmt, then pveum acl modify /vms -token '<USER@REALM!TOKENID>' -role RagnatrampTrayPower.";

export async function powerProxmox(client: Pick<ProxmoxClient, 'post'>, url: string, vm: VmObservation, action: PowerAction): Promise<string> {
  const name = vm.ref.machineName;
  const detail = vm.detail.provider === 'proxmox' ? vm.detail : null;
  const at = /^([^/]+)\/(\d+)$/.exec(detail?.where ?? '');
  if (!vm.found || !detail?.kind || !at) throw new HypervisorError(`'${name}' has no guest in ${url} to ${action}.`, vm.warnings[0]?.text ?? 'Check the cluster the project names.');
  const [, node, vmid] = at;
  let answer: unknown;
  try {
    answer = await client.post(`/nodes/${encodeURIComponent(node!)}/${detail.kind}/${vmid}/status/${CALL[action]}`);
  } catch (err) {
    if (!(err instanceof ProxmoxApiError)) throw err;
    if (err.status === 403) throw new HypervisorError(`${url} denied the API token to ${action} '${name}' (403 ${err.message}): the token lacks VM.PowerMgmt on /vms/${vmid}.`, POWER_PRIVILEGE_HELP);
    if (err.status === 401) throw new HypervisorError(`${url} refused the API token (401 ${err.message}).`, 'Check the token file: USER@REALM!TOKENID=SECRET, and that the token was not deleted or expired.');
    throw new HypervisorError(`${url} could not ${action} '${name}' (${err.status} ${err.message}).`, `Look at guest ${vmid} on node ${node} in the web UI (its task log says why).`);
  }
  const upid = (answer as { data?: unknown } | null)?.data;
  return `'${name}' ${DONE[action]}: Proxmox VE started task ${typeof upid === 'string' ? upid : '(no UPID)'}.`;
}
