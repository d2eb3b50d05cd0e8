// Each provider's own facts about a VM, keyed by `provider`. The core passes them through
// untouched; only the provider's folder and its registry entry read them. A new provider adds
// its member here.

import type { HypervDetail } from './hyperv/hyperv-detail.js';
import type { LibvirtDetail } from './libvirt/libvirt-detail.js';
import type { LinuxDetail } from './linux/linux-detail.js';
import type { ProxmoxDetail } from './proxmox/proxmox-detail.js';
import type { QuickemuDetail } from './quickemu/quickemu-detail.js';

export type ProviderDetail = HypervDetail | LibvirtDetail | LinuxDetail | ProxmoxDetail | QuickemuDetail;
