// The Linux (manifest) provider's own facts about a VM: whether the manifest lists it.

export interface LinuxDetail {
  provider: 'linux';
  /** 'manifest'; null when the manifest does not list the VM. */
  listedBy: 'manifest' | null;
}
