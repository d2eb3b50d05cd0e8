// Which provider a run uses, and how its start-up options are checked.
import { describe, expect, it } from 'vitest';
import { canonicalClusterUrl, providerArgs } from './provider-args.js';
import { PROVIDER_CHOICES } from '../../../contract/api.js';
import { defaultProvider, PROVIDER_NAMES, providerEntry } from './registry.js';

describe('the provider registry', () => {
  it('names every provider', () => {
    expect(PROVIDER_NAMES).toEqual(['hyperv', 'libvirt', 'linux', 'proxmox', 'quickemu']);
  });

  it("picks the provider whose option was given, else the host's: Hyper-V on Windows, libvirt elsewhere", () => {
    expect(defaultProvider({}, 'win32')).toBe('hyperv');
    expect(defaultProvider({}, 'linux')).toBe('libvirt');
    expect(defaultProvider({}, 'darwin', () => true)).toBe('libvirt');
    expect(defaultProvider({ simulate: 's.yaml' }, 'linux')).toBe('hyperv');
    expect(defaultProvider({ manifest: 'm.json' }, 'win32')).toBe('linux');
    expect(defaultProvider({ quickemu: '/vms' }, 'win32')).toBe('quickemu');
    expect(defaultProvider({ libvirt: 'qemu+ssh://h/system' }, 'win32')).toBe('libvirt');
    expect(defaultProvider({ proxmox: 'https://pve:8006' }, 'linux')).toBe('proxmox');
  });

  it('Automatic on a Mac is libvirt only where virsh is installed; otherwise it says what to choose', () => {
    expect(() => defaultProvider({}, 'darwin', () => false)).toThrow(/libvirt is not installed on this Mac \(no virsh on PATH, in \/opt\/homebrew\/bin or \/usr\/local\/bin\)[^]*quickemu[^]*brew install libvirt/);
    expect(defaultProvider({ quickemu: '/Users/ada/vms' }, 'darwin', () => false)).toBe('quickemu');
    expect(defaultProvider({}, 'linux', () => false)).toBe('libvirt');
  });

  it('checks --libvirt as a libvirt URI and --quickemu as a folder', () => {
    expect(providerArgs({ libvirt: 'qemu+ssh://dev@vmhost:2222/system?keyfile=/k' })).toEqual({ libvirt: 'qemu+ssh://dev@vmhost:2222/system?keyfile=/k' });
    expect(providerArgs({ libvirt: 'qemu:///session' })).toEqual({ libvirt: 'qemu:///session' });
    expect(() => providerArgs({ libvirt: 'vmhost' })).toThrow('--libvirt needs a libvirt URI such as qemu:///system or qemu+ssh://user@host/system (got "vmhost")');
    expect(() => providerArgs({ libvirt: 'qemu:///system; rm -rf /' })).toThrow(/--libvirt needs a libvirt URI/);
    expect(() => providerArgs({ quickemu: '' })).toThrow('--quickemu needs a folder');
    expect(providerArgs({ proxmox: 'https://pve.example:8006' })).toEqual({ proxmox: 'https://pve.example:8006' });
    expect(() => providerArgs({ proxmox: 'https://pve.example:8006/api2/json' })).toThrow("--proxmox needs the cluster's address, https://host:8006");
    expect(() => providerArgs({ provider: 'vmware' })).toThrow(/--provider: unknown provider 'vmware': use hyperv or libvirt or linux or proxmox or quickemu/);
  });

  it("the window's provider choices are the registry's, each with the option its entry takes", () => {
    expect(PROVIDER_CHOICES.map((c) => c.id).sort()).toEqual(['auto', ...PROVIDER_NAMES].sort());
    for (const c of PROVIDER_CHOICES.filter((x) => x.id !== 'auto')) {
      const wanted = providerEntry(c.id).projectOption;
      expect([c.id, c.option?.required ?? null]).toEqual([c.id, wanted ? wanted.required : null]);
    }
  });
});

describe('a cluster address in one spelling (projects naming one cluster share it)', () => {
  it("the host's case, a trailing slash and the default port 8006 do not matter; 443 written out is 443", () => {
    for (const u of ['https://PVE.example.com', 'https://pve.example.com:8006/', 'https://pve.EXAMPLE.com:8006']) expect(canonicalClusterUrl(u)).toBe('https://pve.example.com:8006');
    expect(canonicalClusterUrl('https://pve.example.com:443')).toBe('https://pve.example.com:443');
    expect(canonicalClusterUrl('https://[FD00::5]')).toBe('https://[fd00::5]:8006');
    expect(canonicalClusterUrl('https://[fd00::5]:443/')).toBe('https://[fd00::5]:443');
  });

  it('an address the client refuses is refused, not trimmed into one it takes', () => {
    expect(() => canonicalClusterUrl('https://root:secret@pve:8006')).toThrow(/no user in it/);
    expect(() => canonicalClusterUrl('https://pve:8006/api2/json')).toThrow(/no path/);
  });
});
