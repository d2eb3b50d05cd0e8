// What users do today to keep guests' /etc/hosts in sync, run against the same lab: a
// sequential loop of `ssh` calls (vagrant-hostmanager's approach), and Ansible's blockinfile.

import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { stringify } from 'yaml';
import type { LabGuest } from '../lab/lab.js';

export interface Login {
  user: string;
  key: string;
  knownHosts: string;
}

function exec(command: string, args: string[], input?: string, env?: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'ignore', 'pipe'], env: env ?? process.env });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${command} exited ${code}: ${stderr.slice(-500)}`))));
    child.stdin.end(input ?? '');
  });
}

// Drop the old block, append the new one (from stdin), write in place (the lab's /etc/hosts is
// a bind mount, as in containers).
const REWRITE = "sudo -n sh -c 'f=/etc/hosts; t=$(mktemp); sed \"/^# BEGIN RAGNATRAMP$/,/^# END RAGNATRAMP$/d\" \"$f\" > \"$t\"; cat >> \"$t\"; cat \"$t\" > \"$f\"; rm -f \"$t\"'";

export async function opensshSequential(guests: LabGuest[], login: Login, block: string): Promise<void> {
  for (const g of guests) {
    await exec('ssh', ['-i', login.key, '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=accept-new', '-o', `UserKnownHostsFile=${login.knownHosts}`, '-o', 'LogLevel=ERROR', `${login.user}@${g.ip}`, REWRITE], block);
  }
}

export async function prepareAnsible(dir: string, guests: LabGuest[], login: Login): Promise<{ inventory: string; playbook: string }> {
  const inventory = path.join(dir, `inventory-${guests.length}.ini`);
  await writeFile(
    inventory,
    `${guests.map((g) => `${g.machine} ansible_host=${g.ip}`).join('\n')}\n\n[all:vars]\nansible_user=${login.user}\nansible_ssh_private_key_file=${login.key}\nansible_python_interpreter=/usr/bin/python3\nansible_ssh_common_args='-o UserKnownHostsFile=${login.knownHosts} -o StrictHostKeyChecking=accept-new'\n`,
  );
  const playbook = path.join(dir, 'hosts-block.yml');
  await writeFile(
    playbook,
    stringify([
      {
        hosts: 'all',
        gather_facts: false,
        become: true,
        tasks: [{ name: 'managed hosts block', 'ansible.builtin.blockinfile': { path: '/etc/hosts', marker: '# {mark} RAGNATRAMP', block: '{{ hosts_block }}', unsafe_writes: true } }],
      },
    ]),
  );
  return { inventory, playbook };
}

export async function ansibleBlockinfile(dir: string, files: { inventory: string; playbook: string }, forks: number, blockBody: string): Promise<void> {
  const vars = path.join(dir, 'block-vars.yml');
  await writeFile(vars, stringify({ hosts_block: blockBody.replace(/\n$/, '') }));
  await exec('ansible-playbook', ['-i', files.inventory, '-f', String(forks), '-e', `@${vars}`, files.playbook], undefined, {
    ...process.env,
    ANSIBLE_HOST_KEY_CHECKING: 'False',
    ANSIBLE_RETRY_FILES_ENABLED: 'False',
    ANSIBLE_NOCOLOR: '1',
    ANSIBLE_LOCAL_TEMP: path.join(dir, 'ansible-local'),
    ANSIBLE_HOME: path.join(dir, 'ansible-home'),
  });
}
