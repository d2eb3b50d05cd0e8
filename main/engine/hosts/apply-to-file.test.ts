// The hosts file's write refused: a Mac's words (sudo, the name cache), Windows' only on Windows.
import { describe, expect, it } from 'vitest';
import { elevationHint } from './apply-to-file.js';

describe('elevationHint', () => {
  it("says sudo and the name cache on a Mac, never Windows' elevated prompt", () => {
    expect(elevationHint('darwin', '/etc/hosts')).toBe("Writing /etc/hosts needs root: run the same command with sudo (the file keeps its owner and mode); or print the block with `hosts` and paste it yourself. Then flush macOS's name cache: sudo dscacheutil -flushcache; sudo killall -HUP mDNSResponder.");
    expect(elevationHint('darwin', '/etc/hosts')).not.toMatch(/Windows|administrator/);
    expect(elevationHint('win32', 'C:\\Windows\\System32\\drivers\\etc\\hosts')).toMatch(/Windows hosts file needs an elevated/);
  });
});
