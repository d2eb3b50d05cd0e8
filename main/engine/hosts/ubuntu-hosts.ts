// The /etc/hosts a fresh Ubuntu cloud image has: what simulated and lab guests start with.

export function ubuntuHostsFile(hostname: string): string {
  return [
    '127.0.0.1 localhost',
    `127.0.1.1 ${hostname}`,
    '',
    '# The following lines are desirable for IPv6 capable hosts',
    '::1     ip6-localhost ip6-loopback',
    'fe00::0 ip6-localnet',
    'ff00::0 ip6-mcastprefix',
    'ff02::1 ip6-allnodes',
    'ff02::2 ip6-allrouters',
    '',
  ].join('\n');
}
