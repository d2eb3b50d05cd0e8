// A domain's network interfaces, read from `virsh dumpxml` with a real XML parser rather than
// from `domiflist`'s columns: those are split at spaces, which a network's name may hold (libvirt
// forbids only '/', conf/network_conf.c:1640), and under LC_ALL=C virsh's table printer turns
// every non-ASCII byte of a name into \xNN (tools/vsh-table.c:201-247). dumpxml prints the XML
// as libvirt wrote it. Pure: text in, facts out. Facts from libvirt 9.0.0.

import { DOMParser } from '@xmldom/xmldom';
import { normalizeMac } from '../../discovery/net-address.js';

export interface DomainInterface {
  /** `<interface type=…>`: network, bridge, ethernet, user (SLIRP or passt), direct… */
  type: string;
  /** What domiflist shows as its source; for a tap with none, `ethernet <dev>`; `user-mode (passt)` for a user one. */
  source: string;
  /**
   * A `type='network'` interface's network, by name. Not always its `source`: a running domain's
   * live XML adds the network's bridge to `<source network=… bridge=…/>` (libvirt 9.0.0, seen in
   * the libvirt lab), and domiflist's source then names the bridge.
   */
  network?: string;
  mac: string;
  /** A user-mode interface's backend. */
  backend?: 'SLIRP' | 'passt';
  /** A passt interface's forward to the guest's port 22: the host port, and the host address it is bound to (null: all). */
  sshForward?: { address: string | null; port: number };
}

/**
 * The domain's `<devices><interface>` elements, in its order. The source is the one domiflist
 * prints (`source/@bridge|@dev|@network|@name|@path`, tools/virsh-domain-monitor.c:722-726). A
 * user-mode interface has no source: its backend is SLIRP unless `<backend type='passt'/>`
 * (docs/formatdomain.rst:4787-4790, 4812-4815). XML that does not parse reads as no interfaces.
 */
export function parseDomainInterfaces(xml: string): DomainInterface[] {
  let failed = false;
  const onError = () => void (failed = true);
  const doc = new DOMParser({ errorHandler: { warning: () => undefined, error: onError, fatalError: onError } }).parseFromString(xml.trim() || '<none/>', 'text/xml');
  const root = doc.documentElement;
  if (failed || !root || root.tagName !== 'domain') return [];
  const children = (el: Element, name: string) => Array.from(el.childNodes).filter((n): n is Element => n.nodeType === 1 && (n as Element).tagName === name);
  const devices = children(root, 'devices')[0];
  if (!devices) return [];
  return children(devices, 'interface').flatMap((el) => {
    const type = el.getAttribute('type') ?? '';
    const mac = normalizeMac(children(el, 'mac')[0]?.getAttribute('address') ?? undefined);
    if (!mac) return [];
    const src = children(el, 'source')[0];
    const named = src && ['bridge', 'dev', 'network', 'name', 'path'].map((a) => src.getAttribute(a)).find((v) => v);
    const target = children(el, 'target')[0]?.getAttribute('dev');
    const network = type === 'network' ? src?.getAttribute('network') : null;
    if (type !== 'user') return [{ type, source: named || `${type} ${target ?? '-'}`, mac, ...(network ? { network } : {}) }];
    const backend = children(el, 'backend')[0]?.getAttribute('type') === 'passt' ? 'passt' : 'SLIRP';
    const forward = sshForward(children(el, 'portForward'), (e) => children(e, 'range'));
    return [{ type, source: `user-mode (${backend})`, mac, backend, ...(forward ? { sshForward: forward } : {}) }];
  });
}

/**
 * The host port passt forwards to the guest's port 22, from `<portForward proto='tcp'
 * [address=…]>` and its `<range start end to exclude>` (docs/formatdomain.rst:4828-4850,
 * src/conf/schemas/domaincommon.rng:3872-3912): no range forwards every port as is; a range maps
 * start..end onto to..to+(end-start) (passt's `--tcp-ports start-end:to-…`, qemu_passt.c:228-250);
 * an `exclude='yes'` range is not forwarded.
 */
function sshForward(forwards: Element[], ranges: (e: Element) => Element[]): DomainInterface['sshForward'] | null {
  const port = (v: string | null) => (v && /^\d{1,5}$/.test(v) ? Number(v) : null);
  for (const pf of forwards) {
    if (pf.getAttribute('proto') !== 'tcp') continue;
    const address = pf.getAttribute('address');
    const all = ranges(pf).map((r) => ({ start: port(r.getAttribute('start')), end: port(r.getAttribute('end')), to: port(r.getAttribute('to')), exclude: r.getAttribute('exclude') === 'yes' }));
    const inRange = (h: number, r: (typeof all)[number]) => r.start !== null && h >= r.start && h <= (r.end ?? r.start);
    const forwarded = all.filter((r) => !r.exclude && r.start !== null);
    const candidates = all.length === 0 ? [22] : forwarded.flatMap((r) => [22 - ((r.to ?? r.start!) - r.start!)].filter((h) => inRange(h, r)));
    const host = candidates.find((h) => !all.some((r) => r.exclude && inRange(h, r)));
    if (host !== undefined) return { address: address && /^\d+\.\d+\.\d+\.\d+$/.test(address) ? address : null, port: host };
  }
  return null;
}
