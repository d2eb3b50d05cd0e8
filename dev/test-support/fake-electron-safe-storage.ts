// The fake Electron's safeStorage, modelled on Electron 45's documented behaviour
// (https://www.electronjs.org/docs/latest/api/safe-storage): the async API's encryptor starts
// lazily "the first time this method, encryptStringAsync, or decryptStringAsync is called after
// the app is ready" (so before it, nothing works here); encryption "will throw an error if
// encryption fails", decryption "if decryption fails" (bytes it did not produce); on Linux
// getSelectedStorageBackend() is "unknown" before ready and "basic_text" when no secret store
// is found. The bytes are really encrypted (AES-256-GCM, a key per process, Chromium's "v11"
// prefix), so a test can show that no token reaches the disk in clear.

import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { isReady } from './fake-electron-ready.js';

const KEY = randomBytes(32);

export const safeStorageControl = {
  /** What isAsyncEncryptionAvailable() resolves with once ready. */
  available: true,
  backend: 'gnome_libsecret' as 'basic_text' | 'gnome_libsecret' | 'kwallet5',
  /**
   * When the lazily started encryptor is up: the OS decides (a locked keyring waits for the user's
   * password), so a test may hold it open while the rest of the app goes on.
   */
  started: Promise.resolve() as Promise<void>,
};

function assertReadyForCrypto(): void {
  if (!isReady()) throw new Error('safeStorage cannot be used before the app is ready');
}

export const safeStorage = {
  async isAsyncEncryptionAvailable(): Promise<boolean> {
    assertReadyForCrypto();
    await safeStorageControl.started;
    return safeStorageControl.available;
  },
  async encryptStringAsync(plainText: string): Promise<Buffer> {
    assertReadyForCrypto();
    if (!safeStorageControl.available) throw new Error('Error while encrypting the text provided to safeStorage.encryptStringAsync. Encryption is not available.');
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', KEY, iv);
    const body = Buffer.concat([cipher.update(plainText, 'utf8'), cipher.final()]);
    return Buffer.concat([Buffer.from('v11'), iv, cipher.getAuthTag(), body]);
  },
  async decryptStringAsync(encrypted: Buffer): Promise<{ shouldReEncrypt: boolean; result: string }> {
    assertReadyForCrypto();
    try {
      if (encrypted.subarray(0, 3).toString() !== 'v11') throw new Error('unknown prefix');
      const decipher = createDecipheriv('aes-256-gcm', KEY, encrypted.subarray(3, 15));
      decipher.setAuthTag(encrypted.subarray(15, 31));
      return { shouldReEncrypt: false, result: Buffer.concat([decipher.update(encrypted.subarray(31)), decipher.final()]).toString('utf8') };
    } catch {
      throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptStringAsync.');
    }
  },
  getSelectedStorageBackend(): string {
    return isReady() ? safeStorageControl.backend : 'unknown';
  },
};
