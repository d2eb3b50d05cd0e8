// Break (issue 19 point 13): a tray write re-serialised the whole state.json, so bytes it does
// not own changed: a big integer of the CLI's was rounded to a double, `1.50` became `1.5`, and
// `1e3` became `1000`. Now only vms[m].network's own bytes change (or one member is appended
// when a VM has none), whatever the layout: indented, CRLF, minified, keys in any order.
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { makeFixture, vmId } from '../../dev/test-support/project-fixture.js';
import { writeNetworkStates } from '../../main/engine/state/state-file.js';
import type { NetworkState } from '../../main/engine/seed-types.js';

const network: NetworkState = { ipv4: '172.18.0.9', mac: '00155DDE3309', adapterName: 'Network Adapter', discoveredAt: '2026-11-22T10:00:00.000Z', source: 'hyperv' };

async function write(text: string, machineName = 'web'): Promise<string> {
  const f = makeFixture({ machines: ['web'], vms: [{ machine: 'web' }] });
  writeFileSync(f.statePath, text);
  await writeNetworkStates(f.statePath, [{ machineName, vmId: vmId(1), network }]);
  return readFileSync(f.statePath, 'utf8');
}

// Foreign members the CLI (or a later version of it) may hold: a 64-bit counter, a decimal as
// written, an exponent, escapes, an object whose keys are not in alphabetical order.
const OLD = '{"ipv4":null,"mac":null,"discoveredAt":null,"source":"hyperv"}';
const FOREIGN = '"serial": 18446744073709551615, "ratio": 1.50, "size": 1e3, "label": "caf\\u00e9 \\"x\\"", "zorder": {"b": 2, "a": 1}';

describe('state.json keeps the bytes it does not own', () => {
  it('an indented file: only the network value changes, every foreign byte stays', async () => {
    const text = `{\n  "version": 1,\n  ${FOREIGN.replace(/, "/g, ',\n  "')},\n  "project": "myproject",\n  "vms": {\n    "web": {\n      "id": "${vmId(1)}",\n      "name": "myproject-web-a1b2c3d4",\n      "machineName": "web",\n      "network": { "ipv4": "172.18.0.2", "mac": "00155DDE3309", "discoveredAt": null, "source": "hyperv" },\n      "checkpoints": [1.10, 12345678901234567890]\n    }\n  }\n}\n`;
    const out = await write(text);
    const value = JSON.stringify(network, null, 2).split('\n').join('\n      ');
    expect(out).toBe(text.replace(/"network": \{[^}]*\}/, `"network": ${value}`));
    expect(out).toContain('"serial": 18446744073709551615');
    expect(out).toContain('"ratio": 1.50');
    expect(out).toContain('[1.10, 12345678901234567890]');
  });

  it('a VM without a network gets one member appended after its last, in its own layout (CRLF)', async () => {
    const text = `{\r\n\t"version": 1,\r\n\t"project": "myproject",\r\n\t${FOREIGN},\r\n\t"vms": {\r\n\t\t"web": {\r\n\t\t\t"machineName": "web",\r\n\t\t\t"name": "myproject-web-a1b2c3d4",\r\n\t\t\t"id": "${vmId(1)}"\r\n\t\t}\r\n\t}\r\n}`;
    const out = await write(text);
    const value = JSON.stringify(network, null, '\t').split('\n').join('\r\n\t\t\t');
    expect(out).toBe(text.replace(`"id": "${vmId(1)}"`, `"id": "${vmId(1)}",\r\n\t\t\t"network": ${value}`));
  });

  it('a minified file stays minified around a compact network', async () => {
    const text = `\uFEFF{"version":1,${FOREIGN.replace(/: /g, ':').replace(/, /g, ',')},"project":"myproject","vms":{"web":{"id":"${vmId(1)}","name":"myproject-web-a1b2c3d4","machineName":"web","network":${OLD}}}}`;
    const out = await write(text);
    expect(out).toBe(text.replace(`"network":${OLD}`, `"network":${JSON.stringify(network)}`));
  });

  it('keys and values that look like the ones it edits, inside strings and other objects, are left alone', async () => {
    const decoy = `"notes": "\\"vms\\": {\\"web\\": {\\"network\\": 1}}", "other": {"vms": {"web": {"network": "x"}}}`;
    const text = `{"version": 1, ${decoy}, "project": "myproject", "vms": {"db": {"id": "d", "name": "n", "machineName": "db", "network": ${OLD}}, "web": {"id": "${vmId(1)}", "name": "myproject-web-a1b2c3d4", "machineName": "web", "network": {"ipv4": "172.18.0.2", "mac": null, "discoveredAt": null, "source": "arp", "x": [{"network": 1}]}}}}`;
    const out = await write(text);
    expect(out).toBe(text.replace(/"network": \{"ipv4": "172\.18\.0\.2".*\]\}/, `"network": ${JSON.stringify(network)}`));
  });
});

// Odd but valid JSON (review of issue 19 point 13): the editor must find the member JSON.parse
// reads, whatever its spelling, and change only that member's value bytes.
describe('state.json edited where JSON.parse reads it, for odd but valid JSON', () => {
  const id = `"id": "${vmId(1)}", "name": "n"`;
  const NEW = JSON.stringify(network);

  it('duplicate keys: the last VM entry and its last network are edited (those JSON.parse keeps); the earlier ones keep their bytes', async () => {
    const text = `{"version": 1, "project": "myproject", "vms": {"web": {${id}, "machineName": "web", "network": ${OLD}}, "web": {${id}, "machineName": "web", "network": 1, "network": ${OLD}}}}`;
    const out = await write(text);
    const at = text.lastIndexOf(OLD);
    expect(out).toBe(text.slice(0, at) + NEW + text.slice(at + OLD.length));
    expect(JSON.parse(out).vms.web.network).toEqual(network);
  });

  it('escaped keys: "w\\u0065b" is the VM web and "netw\\u006frk" its network, edited in place (no second network appended)', async () => {
    const text = `{"version": 1, "project": "myproject", "vms": {"w\\u0065b": {${id}, "machineName": "web", "netw\\u006frk": ${OLD}, "zz": 1}}}`;
    const out = await write(text);
    expect(out).toBe(text.replace(OLD, NEW));
  });

  it('a VM key holding quotes, a backslash and a unicode escape is found by its value', async () => {
    const key = 'we"b\\\\\\u00e9'; // the JSON text of the key: we"b\é
    const text = `{"version": 1, "project": "myproject", "vms": {"${key.replace('"', '\\"')}": {${id}, "machineName": "${key.replace('"', '\\"')}"}}}`;
    const f = makeFixture({ machines: ['web'], vms: [{ machine: 'web' }] });
    writeFileSync(f.statePath, text);
    await writeNetworkStates(f.statePath, [{ machineName: 'we"b\\é', vmId: vmId(1), network }]);
    const out = readFileSync(f.statePath, 'utf8');
    expect(out).toBe(text.replace(/"\}\}\}$/, `","network":${NEW}}}}`));
  });

  it('whitespace of every kind between every token, and brackets inside strings, leave the scan on track', async () => {
    const text = ` \r\n\t{ "vms" \n:\t{ "web"\r\n :\n{"id" :\t"${vmId(1)}" , "name" : "}]," ,"machineName":"web"  ,  "network"  :  { "ipv4" : null , "mac" : null ,\r\n "discoveredAt" : null , "source" : "arp" , "x" : [ "}" , { "y" : "]" } ] }  }  } , "version" : 1 , "project" : "myproject" }  \n`;
    const out = await write(text);
    expect(out).toBe(text.replace('{ "ipv4" : null , "mac" : null ,\r\n "discoveredAt" : null , "source" : "arp" , "x" : [ "}" , { "y" : "]" } ] }', NEW));
  });
});
