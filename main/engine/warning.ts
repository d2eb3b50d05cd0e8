// A warning the engine gives about a VM or a project: a stable code that modules and the window
// match on, and the text a person reads (what happened and what to do). Codes of the neutral
// core are listed here; a provider's own codes are `<provider>/<name>` and live in its folder.

export interface Warning {
  code: WarningCode;
  text: string;
  /**
   * A few words for the VM's problem list ("no ssh settings") when the warning needs attention
   * and no typed field says it already; the module that raises it knows its words.
   */
  brief?: string;
}

export type WarningCode = CoreWarningCode | `${string}/${string}`;

export type CoreWarningCode =
  /** state.json names the VM but the hypervisor does not list it. */
  | 'vm-missing'
  /** ragnatramp.yaml names a machine that `ragnatramp up` has not created. */
  | 'not-created'
  /** The hypervisor could not read this VM's details this pass. */
  | 'vm-unreadable'
  | 'vm-stopped'
  /** The address came from a fallback tier (ARP, a lease) because the first tier had none. */
  | 'fallback-tier'
  /** The fallback tier knew several IPv4s for the VM's MAC. */
  | 'several-addresses'
  | 'no-ipv4'
  | 'ssh-closed'
  | 'not-in-config'
  | 'no-ssh-settings'
  | 'duplicate-ip'
  /** Guests that share /etc/machine-id (clones of one image), found over SSH. */
  | 'cloned-image'
  | 'bad-hostname'
  /** A domain or alias from the app's settings that cannot be a host name, or clashes with another machine's. */
  | 'bad-alias'
  /** A project's, not a VM's: state.json names another project than ragnatramp.yaml. */
  | 'state-other-project'
  /** Reconcile's: a machine left state.json while its network was being recorded. */
  | 'state-dropped'
  /** Reconcile's: state.json could not be written (the guests were synced all the same). */
  | 'state-unwritable'
  /** Reconcile's: --accept-host-key forgot a pinned SSH host key. */
  | 'host-key-forgotten'
  /** Reconcile's: an SSH host key trusted on first use. */
  | 'host-key-pinned'
  | 'hosts-sync-failed'
  /** The pass could not query the hypervisor at all. */
  | 'hypervisor-unavailable'
  /** Diagnose's guest checks over SSH: the KVP daemon missing or stopped, sudo wanting a password, cloud-init owning /etc/hosts, the managed block missing, out of date or broken. */
  | 'kvp-daemon-missing'
  | 'kvp-daemon-stopped'
  | 'sudo-password'
  | 'cloud-init-hosts'
  | 'hosts-block-missing'
  | 'hosts-block-stale'
  | 'hosts-block-broken';

export const warning = (code: WarningCode, text: string, brief?: string): Warning => ({ code, text, ...(brief ? { brief } : {}) });

export const texts = (warnings: readonly Warning[]): string[] => warnings.map((w) => w.text);
