// Proxmox VE tokens in the OS credential store, over the fake Electron's safeStorage (modelled
// on Electron 45's docs: see dev/test-support/fake-electron-safe-storage.ts).
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', async () => await import('../../dev/test-support/fake-electron.js'));
const { resetFakeElectron, safeStorageControl } = await import('../../dev/test-support/fake-electron.js');
const { credentialStore } = await import('./os-credential-store.js');

const TOKEN = 'tray@pve!ragnatramp=0b3c7a4e-1f2d-4c5b-9a8e-7d6c5b4a3f21';
const CLUSTER = 'https://pve.example.com:8006';

describe('the OS credential store', () => {
  beforeEach(() => resetFakeElectron());

  it('keeps only encrypted bytes on disk, in a file only the user reads, and gives the token back', async () => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'rt-cred-'));
    const store = await credentialStore(home);
    await store.save(CLUSTER, TOKEN);
    const dir = path.join(home, 'proxmox');
    expect(readdirSync(dir)).toEqual(['pve.example.com_8006.token.enc']);
    const file = path.join(dir, 'pve.example.com_8006.token.enc');
    expect(readFileSync(file).includes(Buffer.from('0b3c7a4e'))).toBe(false);
    if (process.platform !== 'win32') expect(statSync(file).mode & 0o777).toBe(0o600);
    await expect(store.load(CLUSTER)).resolves.toBe(TOKEN);
    expect(store.where(CLUSTER)).not.toContain(home);
  });

  it('refuses bytes it did not encrypt', async () => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'rt-cred-'));
    const store = await credentialStore(home);
    await store.save(CLUSTER, TOKEN);
    writeFileSync(path.join(home, 'proxmox', 'pve.example.com_8006.token.enc'), TOKEN);
    await expect(store.load(CLUSTER)).rejects.toThrow(/decrypting/);
  });

  it.skipIf(process.platform !== 'linux')("on Linux without a secret store (basic_text: a hardcoded password), the mode-600 token file instead", async () => {
    safeStorageControl.backend = 'basic_text';
    const home = mkdtempSync(path.join(os.tmpdir(), 'rt-cred-'));
    const store = await credentialStore(home);
    await store.save(CLUSTER, TOKEN);
    const file = path.join(home, 'proxmox', 'pve.example.com_8006.token');
    expect(store.where(CLUSTER)).toBe(file);
    expect(readFileSync(file, 'utf8')).toBe(`${TOKEN}\n`);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    await expect(store.load(CLUSTER)).resolves.toBe(TOKEN);
  });

  it('where encryption is not available, the token file too', async () => {
    safeStorageControl.available = false;
    const home = mkdtempSync(path.join(os.tmpdir(), 'rt-cred-'));
    expect((await credentialStore(home)).where(CLUSTER)).toBe(path.join(home, 'proxmox', 'pve.example.com_8006.token'));
  });
});
