// The Linux provider's own facts about a VM: which inventory listed it.

export interface LinuxDetail {
  provider: 'linux';
  /** 'manifest' or 'libvirt'; null when no inventory lists the VM. */
  listedBy: 'manifest' | 'libvirt' | null;
}
