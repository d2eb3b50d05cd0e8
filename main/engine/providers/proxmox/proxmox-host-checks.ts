// Proxmox VE's checks of this computer, for `doctor` and the window's "This PC": the API token
// is at hand, the cluster answers over TLS with the pinned certificate (the token is sent only
// then: proxmox-client.ts), the token is accepted (/version needs a valid one), and it holds the
// privileges the tray needs, read from /access/permissions, which every user and token may ask
// of itself (pve-access-control src/PVE/API2/AccessControl.pm:509-574) and which answers, per
// path, the privileges in effect there (src/PVE/RPCEnvironment.pm:241-290: '/', '/vms' and every
// path an ACL or pool names). The tray lists guests and reads their config with VM.Audit
// (pve-manager PVE/API2/Cluster.pm:588, qemu-server src/PVE/API2/Qemu.pm:1794), and asks a VM's
// agent with VM.GuestAgent.Audit or VM.GuestAgent.Unrestricted on Proxmox VE 9 (qemu-server
// src/PVE/API2/Qemu/Agent.pm:65-68, :184), VM.Monitor before (proxmox-privileges.ts).

import { errorMessage, HypervisorError, InputError } from '../../errors.js';
import type { HostCheck, HostCheckContext } from '../provider-entry.js';
import { parseRelease } from './proxmox-api.js';
import { ProxmoxApiError, type ProxmoxClient } from './proxmox-client.js';
import { proxmoxClient, proxmoxEndpoint, proxmoxToken } from './proxmox-connect.js';
import { privilegesFor } from './proxmox-privileges.js';

type Permissions = Record<string, Record<string, unknown>>;

export async function proxmoxHostChecks(context: Pick<HostCheckContext, 'options' | 'hostKeys' | 'logger' | 'onNotice'>): Promise<HostCheck[]> {
  const steps: HostCheck[] = [];
  const add = (step: string, ok: boolean | null, detail: string, fix: string | null = null) => steps.push({ step, ok, detail, fix });
  let endpoint;
  try {
    endpoint = proxmoxEndpoint(context.options);
  } catch (err) {
    add("The cluster's address", false, errorMessage(err).split('\n')[0]!, "Give the cluster as https://host:8006 (the project's provider in Settings, or --proxmox).");
    return steps;
  }
  let token: string;
  try {
    token = await proxmoxToken(context.options, endpoint, context);
    add('API token', true, context.options.proxmoxTokenValue ? "kept in this computer's credential store" : 'read from its file (only you can read it)');
  } catch (err) {
    add('API token', false, err instanceof InputError ? err.message.split('\n')[0]! : errorMessage(err), err instanceof InputError ? err.fix : 'Type the token in Settings (the project\'s provider) again.');
    return steps;
  }
  // A certificate pinned (or accepted as renewed) by these very checks is said among them.
  const told: string[] = [];
  const client = proxmoxClient(endpoint, token, { ...context, onNotice: (text) => (told.push(text), context.onNotice?.(text)) });
  try {
    const cluster = await askCluster(client, endpoint.url);
    return [...steps, ...cluster, ...told.map((t) => ({ step: 'Certificate', ok: true, detail: t, fix: null }))];
  } finally {
    client.close();
  }
}

async function askCluster(client: Pick<ProxmoxClient, 'get'>, url: string): Promise<HostCheck[]> {
  const steps: HostCheck[] = [];
  const add = (step: string, ok: boolean | null, detail: string, fix: string | null = null) => steps.push({ step, ok, detail, fix });
  const answers = `${url} answers with its pinned certificate`;
  let version: unknown;
  try {
    version = await client.get('/version');
  } catch (err) {
    if (err instanceof ProxmoxApiError && err.status === 401) {
      // The certificate was checked before the token was sent: the cluster answered, and refused it.
      add(answers, true, 'yes');
      add('API token accepted', false, `refused (401 ${err.message})`, 'The token was deleted, expired or mistyped: create one again (Datacenter → Permissions → API Tokens) and give it to the tray (Settings, or its token file).');
      return steps;
    }
    add(answers, false, err instanceof HypervisorError ? errorMessage(err).split('\n')[0]! : errorMessage(err), err instanceof HypervisorError ? err.hint : 'Check the cluster (pvesh get /cluster/status) and try again.');
    return steps;
  }
  const release = parseRelease(version);
  const said = (version as { data?: { version?: unknown } } | null)?.data?.version;
  add(answers, true, `Proxmox VE ${typeof said === 'string' ? said : (release ?? '?')}`);
  add('API token accepted', true, 'yes');
  let perms: Permissions;
  try {
    const body = (await client.get('/access/permissions')) as { data?: unknown } | null;
    perms = typeof body?.data === 'object' && body.data !== null ? (body.data as Permissions) : {};
  } catch (err) {
    add("The token's privileges", false, `could not be read: ${errorMessage(err).split('\n')[0]}`, 'Check the cluster (pvesh get /cluster/status) and try again.');
    return steps;
  }
  const needed = privilegesFor(release);
  const grant = `Give the token (or its user, when the token has no privilege separation) ${needed.all} on /vms: Datacenter → Permissions → Add → API Token Permission, path /vms, a role with those privileges.`;
  add('Privilege to list guests (VM.Audit)', ...privilegeStep(perms, ['VM.Audit'], grant, 'the tray sees only those guests'));
  // Before PVE 9 the agent's read-only calls needed VM.Monitor; since, VM.GuestAgent.Audit or .Unrestricted.
  const agentPrivs = release !== null && release < 9 ? ['VM.Monitor'] : ['VM.GuestAgent.Audit', 'VM.GuestAgent.Unrestricted', ...(release === null ? ['VM.Monitor'] : [])];
  add(`Privilege to ask guest agents (${needed.agent})`, ...privilegeStep(perms, agentPrivs, grant, "other VMs' addresses cannot be asked of their agents"));
  return steps;
}

/** Whether one of `privs` is in effect on /vms (every guest), only on some guests or pools, or nowhere. */
function privilegeStep(perms: Permissions, privs: string[], grant: string, narrowMeans: string): [boolean | null, string, string | null] {
  const has = (path: string) => privs.some((p) => perms[path]?.[p] !== undefined);
  if (has('/vms')) return [true, 'on /vms (every guest)', null];
  const narrow = Object.keys(perms).filter((p) => (p.startsWith('/vms/') || p.startsWith('/pool/')) && has(p)).sort();
  if (narrow.length > 0) return [null, `only on ${narrow.join(', ')}: ${narrowMeans}`, null];
  return [false, 'missing', grant];
}
