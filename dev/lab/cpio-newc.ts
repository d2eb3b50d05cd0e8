// The "newc" cpio format the Linux kernel unpacks as an initramfs (the kernel's
// Documentation/driver-api/early-userspace/buffer-format.rst): a 110-byte ASCII header per
// entry, the name and the data each padded to 4 bytes, and a TRAILER!!! entry. Several archives
// may be concatenated (gzipped or not): the kernel unpacks each over the last.

export type CpioEntry =
  | { path: string; type: 'dir'; mode?: number }
  | { path: string; type: 'file'; data: Buffer | string; mode?: number }
  | { path: string; type: 'symlink'; target: string };

const TYPE_BITS = { dir: 0o040000, file: 0o100000, symlink: 0o120000 } as const;

const pad4 = (n: number) => Buffer.alloc((4 - (n % 4)) % 4);
const hex8 = (n: number) => n.toString(16).padStart(8, '0');

function header(ino: number, mode: number, size: number, nameSize: number): Buffer {
  // magic, ino, mode, uid, gid, nlink, mtime, filesize, devmajor, devminor, rdevmajor, rdevminor, namesize, check
  return Buffer.from(`070701${[ino, mode, 0, 0, 1, 0, size, 0, 0, 0, 0, nameSize, 0].map(hex8).join('')}`, 'ascii');
}

export function cpioArchive(entries: CpioEntry[]): Buffer {
  const parts: Buffer[] = [];
  const add = (ino: number, mode: number, name: string, data: Buffer) => {
    const nameBytes = Buffer.from(`${name}\0`);
    const h = header(ino, mode, data.length, nameBytes.length);
    parts.push(h, nameBytes, pad4(h.length + nameBytes.length), data, pad4(data.length));
  };
  entries.forEach((e, i) => {
    const name = e.path.replace(/^\/+/, '');
    if (e.type === 'dir') add(i + 1, TYPE_BITS.dir | (e.mode ?? 0o755), name, Buffer.alloc(0));
    else if (e.type === 'file') add(i + 1, TYPE_BITS.file | (e.mode ?? 0o644), name, Buffer.from(e.data));
    else add(i + 1, TYPE_BITS.symlink | 0o777, name, Buffer.from(e.target));
  });
  add(0, 0, 'TRAILER!!!', Buffer.alloc(0));
  return Buffer.concat(parts);
}
