// The diagnostics panel: "This PC" (the host checks of the providers in use, also on the first
// run), then for each VM each check with pass or fail (in words too), why it matters, the exact
// commands that fix it, and "Fix over SSH" for a missing KVP daemon (after a confirmation that
// shows the commands whole). A fix's outcome is said in its VM's card, which stays in sight while
// the checks are taken again, and the focus goes to it.
import { useEffect, useRef, useState } from 'react';
import { factCheck, muteKey, type AppState, type DiagnosticView, type GuestCheckView } from '../../../contract/api';
import { useStore } from '../store';
import { CheckStatus } from './check-status';
import { Confirm } from './confirm';
import { CopyButton } from './copy-button';
import { HostChecks } from './host-checks';
import { VmLog } from './vm-log';

interface Check {
  /** What a mute names (shared with the VM's problems where they overlap). */
  id: string;
  name: string;
  ok: boolean | null;
  detail: string;
  why: string;
  /** `fix kvp`'s commands, which the tray can run over SSH. */
  fix?: string[];
  /** Commands for the user to run in the guest. */
  commands?: string[];
}

function checksOf(d: DiagnosticView): Check[] {
  const checks: Check[] = [
    // The provider's own facts (Hyper-V: KVP), each with why it is not fine.
    ...d.facts.map((f) => ({ id: factCheck(f.label), name: f.label, ok: f.ok, detail: f.value, why: f.why ?? '' })),
    {
      id: 'ssh-closed',
      name: 'SSH reachable',
      ok: d.sshOpen,
      detail: d.sshOpen === null ? 'no IP to try' : d.sshOpen ? 'port 22 answers' : 'port 22 does not answer',
      why: 'Hosts sync logs in over SSH.',
    },
  ];
  if ('os' in d.guest) checks.push(...guestChecks(d.guest));
  return checks;
}

function guestChecks(g: GuestCheckView): Check[] {
  const kvp = g.kvpDaemon;
  return [
    ...(kvp ? [{
      id: 'guest-kvp-daemon',
      name: 'Guest KVP daemon',
      ok: kvp.running,
      detail: kvp.running ? 'running' : kvp.installed ? 'installed, not running' : `not installed${kvp.package ? ` (${kvp.package})` : ''}`,
      why: 'hv_kvp_daemon is what tells Hyper-V the guest IP; stock Linux images lack it.',
      fix: kvp.fix,
    }] : []),
    { id: 'sudo', name: 'Passwordless sudo', ok: g.sudo, detail: g.sudo ? 'sudo -n works' : 'sudo asks for a password', why: 'Writing /etc/hosts needs root, and the tray never types a password.' },
    { id: 'cloud-init', name: 'cloud-init', ok: !g.cloudInitManagesHosts, detail: g.cloudInitManagesHosts ? 'rewrites /etc/hosts at boot' : 'leaves /etc/hosts alone', why: 'With manage_etc_hosts on, every boot drops the managed block.' },
    {
      id: 'machine-id',
      name: 'Machine id',
      ok: (g.clonedWith ?? []).length === 0,
      detail: (g.clonedWith ?? []).length === 0 ? 'its own' : `same as ${(g.clonedWith ?? []).join(', ')}: a cloned image`,
      why: 'Clones of one image share /etc/machine-id, the DHCP client id, and so get one address. In the clone, run this, then reboot it:',
      commands: ['sudo rm /etc/machine-id && sudo systemd-machine-id-setup'],
    },
    g.hostsBlock === 'unmanaged'
      ? { id: 'hosts-block', name: 'Hosts block', ok: null, detail: 'none: this VM cannot reach the others', why: '' }
      : { id: 'hosts-block', name: 'Hosts block', ok: g.hostsBlock === 'current', detail: g.hostsBlock === 'stale' ? 'out of date' : g.hostsBlock, why: 'The block is what lets the guests resolve each other by name.' },
  ];
}

type ShownCheck = Check & { muted: boolean };
const failing = (c: ShownCheck) => c.ok === false && !c.muted;
const failures = (checks: ShownCheck[]) => checks.filter(failing).length;
// Failures first, then muted ones, then the rest.
const sortFailuresFirst = (checks: ShownCheck[]) => [...checks.filter(failing), ...checks.filter((c) => c.ok === false && c.muted), ...checks.filter((c) => c.ok !== false)];

// The KVP advice repeats the commands the guest check shows with "Fix over SSH": say them once.
const shownWarnings = (d: DiagnosticView) => ('os' in d.guest && (d.guest.kvpDaemon?.fix.length ?? 0) > 0 ? d.warnings.filter((w) => w.code !== 'hyperv/kvp-no-contact') : d.warnings);

export function DiagnosticsPanel({ app }: { app: AppState }) {
  const { diagnostics, runDiagnostics, settings, setMuted } = useStore();
  const muted = settings?.muted ?? [];
  const [project, setProject] = useState(app.projects[0]?.configPath ?? '');
  const result = diagnostics[project] ?? { status: 'idle' as const };
  // Opening the panel (every time: it mounts on open) or choosing another project runs its
  // checks again: results from an earlier visit may be long out of date.
  useEffect(() => {
    if (project && useStore.getState().diagnostics[project]?.status !== 'loading') void runDiagnostics(project);
  }, [project, runDiagnostics]);
  // Checks taken while the hypervisor could not be asked say little: take them again when it answers.
  const down = useRef(app.hypervisorError);
  useEffect(() => {
    if (down.current && !app.hypervisorError && project) void runDiagnostics(project);
    down.current = app.hypervisorError;
  }, [app.hypervisorError, project, runDiagnostics]);
  // While the checks are taken again, the last ones stay shown (greyed by aria-busy).
  const shown = result.status === 'done' ? result.value : 'last' in result ? result.last : undefined;
  const cards = shown ? shown.views.map((d) => ({ d, checks: sortFailuresFirst(checksOf(d).map((c) => ({ ...c, muted: muted.includes(muteKey(d.key, c.id)) }))) })).sort((a, b) => failures(b.checks) - failures(a.checks)) : [];
  const failingCards = cards.filter((c) => failures(c.checks) > 0);
  const mutedCount = cards.reduce((n, c) => n + c.checks.filter((x) => x.ok === false && x.muted).length, 0);
  const failedChecks = failingCards.reduce((n, c) => n + failures(c.checks), 0);
  return (
    <section aria-labelledby="diag-title">
      <h2 id="diag-title">Diagnostics</h2>
      <div className="row">
        {app.projects.length > 1 && (
          <select aria-label="Project" value={project} onChange={(e) => setProject(e.target.value)}>
            {app.projects.map((p) => (
              <option key={p.configPath} value={p.configPath}>
                {p.name ?? p.configPath}
              </option>
            ))}
          </select>
        )}
        {app.projects.length > 0 && (
          // aria-disabled, not disabled: a disabled button would drop the keyboard focus to the page.
          <button type="button" className="primary" aria-disabled={result.status === 'loading'} onClick={() => result.status !== 'loading' && void runDiagnostics(project)}>
            {result.status === 'loading' ? 'Checking…' : 'Run checks'}
          </button>
        )}
        <CollectDiagnostics />
      </div>
      <HostChecks />
      {app.projects.length === 0 && <p className="muted">Add a project to check its VMs too.</p>}
      {result.status === 'failed' && (
        <div className="banner banner-error" role="alert">
          {result.error}
        </div>
      )}
      {shown && (
        <p className="diag-summary" data-testid="diag-summary" aria-live="polite">
          {failingCards.length === 0 ? `All checks pass on ${cards.length} VM${cards.length === 1 ? '' : 's'}.` : `${failingCards.length} of ${cards.length} VMs need attention: ${failedChecks} failed check${failedChecks === 1 ? '' : 's'}, listed first.`}
          {mutedCount > 0 && ` ${mutedCount} muted.`}
          <span className="muted" data-testid="diag-at">
            {' '}
            Checked at {new Date(shown.at).toLocaleTimeString()}.
          </span>
        </p>
      )}
      {cards.map(({ d, checks }) => (
        <article key={d.key} className="diag-vm" data-testid={`diag-${d.machineName}`} aria-busy={result.status === 'loading'}>
          <h3>{d.machineName}</h3>
          <FixOutcome configPath={project} machineName={d.machineName} />
          {'error' in d.guest && <p className="muted">Guest checks could not run: {d.guest.error}</p>}
          {'unavailable' in d.guest && <p className="muted">Guest checks need SSH: {d.guest.unavailable}</p>}
          <ul className="checks">
            {checks.map((c) => (
              <li key={c.id} className={`check check-${c.ok === null ? 'unknown' : c.ok ? 'pass' : c.muted ? 'muted' : 'fail'}`}>
                <CheckStatus ok={c.ok} muted={c.muted} />
                <span className="check-name">{c.name}</span>
                <span className="check-detail">
                  {c.detail}
                  {c.muted && ' (muted)'}
                </span>
                {c.ok === false && (
                  <button type="button" className="link mute" aria-label={`${c.muted ? 'Unmute' : 'Mute'} ${c.name} for ${d.machineName}`} onClick={() => void setMuted(muteKey(d.key, c.id), !c.muted)}>
                    {c.muted ? 'Unmute' : 'Mute'}
                  </button>
                )}
                {failing(c) && <p className="why">{c.why}</p>}
                {failing(c) && c.fix && c.fix.length > 0 && <FixCommands configPath={project} machineName={d.machineName} commands={c.fix} />}
                {failing(c) && c.commands && (
                  <div className="fix row">
                    <pre className="commands" tabIndex={0} aria-label={`The fix for ${c.name} on ${d.machineName}`}>
                      {c.commands.join('\n')}
                    </pre>
                    <CopyButton text={c.commands.join('\n')} label={`the fix for ${c.name}`} />
                  </div>
                )}
              </li>
            ))}
          </ul>
          {shownWarnings(d).length > 0 && (
            <ul className="warnings">
              {shownWarnings(d).map((w) => (
                <li key={w.code + w.text}>{w.text}</li>
              ))}
            </ul>
          )}
          <VmLog configPath={project} machineName={d.machineName} />
        </article>
      ))}
    </section>
  );
}

/** One zip for a bug report; the path is shown (and, in the desktop app, opened in the file manager). */
function CollectDiagnostics() {
  const { api } = useStore();
  const [state, setState] = useState<{ status: 'idle' | 'loading' } | { status: 'done'; file: string } | { status: 'failed'; error: string }>({ status: 'idle' });
  return (
    <>
      <button
        type="button"
        disabled={state.status === 'loading'}
        onClick={() => {
          setState({ status: 'loading' });
          api!.collectDiagnostics().then(
            (file) => setState({ status: 'done', file }),
            (err: Error) => setState({ status: 'failed', error: err.message }),
          );
        }}
      >
        {state.status === 'loading' ? 'Collecting…' : 'Collect diagnostics'}
      </button>
      {state.status === 'done' && (
        <p className="muted" aria-live="polite" data-testid="support-bundle">
          Saved for your bug report: <code>{state.file}</code>
        </p>
      )}
      {state.status === 'failed' && <p className="error">{state.error}</p>}
    </>
  );
}

function FixCommands({ configPath, machineName, commands }: { configPath: string; machineName: string; commands: string[] }) {
  const { fixKvp, fixes, runDiagnostics } = useStore();
  const [confirming, setConfirming] = useState(false);
  const state = fixes[`${configPath}#${machineName}`];
  return (
    <div className="fix">
      <div className="row">
        {/* Focusable, so that a keyboard can scroll a long command sideways. */}
        <pre className="commands" tabIndex={0} aria-label={`Fix commands for ${machineName}`}>
          {commands.join('\n')}
        </pre>
        <CopyButton text={commands.join('\n')} label="the fix commands" />
      </div>
      {!confirming && (
        <button type="button" data-opens={`Fix ${machineName} over SSH`} onClick={() => setConfirming(true)} disabled={state?.status === 'loading'}>
          Fix over SSH…
        </button>
      )}
      {confirming && (
        <Confirm label={`Fix ${machineName} over SSH`} onCancel={() => setConfirming(false)}>
          <p>These commands will run on {machineName} over SSH, in order, stopping at the first failure:</p>
          <pre className="commands" tabIndex={0} aria-label="The commands that will run">
            {commands.join('\n')}
          </pre>
          <div className="row">
            <button
              type="button"
              className="primary"
              onClick={() => {
                setConfirming(false);
                void fixKvp(configPath, machineName, false).then(() => runDiagnostics(configPath));
              }}
            >
              Run them
            </button>
            <button type="button" onClick={() => setConfirming(false)}>
              Cancel
            </button>
          </div>
        </Confirm>
      )}
    </div>
  );
}

/**
 * What the last fix of a VM came to, at the top of its card: a live region that is always there
 * (so that a screen reader hears it change), and the focus once the fix is over, since the
 * button that ran it is gone (the check passes now, or the checks are being taken again).
 */
function FixOutcome({ configPath, machineName }: { configPath: string; machineName: string }) {
  const state = useStore((s) => s.fixes[`${configPath}#${machineName}`]);
  const ref = useRef<HTMLDivElement>(null);
  // Set when a fix ends, until the user moves the focus: the card may move as the checks are taken
  // again (failing VMs first), and a moved element loses the focus, which then goes back to it.
  const holding = useRef(false);
  const over = state?.status === 'done' || state?.status === 'failed';
  useEffect(() => {
    holding.current = over;
    if (over) ref.current?.focus();
  }, [over, state]);
  // The card's place when last seen: when the checks come back and move it, it is brought back into sight.
  const top = useRef<number | null>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el || !holding.current) return void (top.current = null);
    if (document.activeElement === document.body || document.activeElement === null) el.focus();
    if (top.current !== null && el.offsetTop !== top.current) el.scrollIntoView({ block: 'nearest' });
    top.current = el.offsetTop;
  });
  const failed = state?.status === 'failed' || (state?.status === 'done' && !state.value.success);
  return (
    <div ref={ref} role="status" tabIndex={-1} className={`fix-outcome${failed ? ' error' : ''}`} data-testid={`fix-outcome-${machineName}`} onBlur={(e) => e.relatedTarget && (holding.current = false)}>
      {state?.status === 'loading' && `Fixing ${machineName} over SSH…`}
      {state?.status === 'failed' && `The fix on ${machineName} failed: ${state.error}`}
      {state?.status === 'done' &&
        (state.value.success
          ? state.value.nothingToDo
            ? `Nothing to do on ${machineName}: ${state.value.nothingToDo}.`
            : `Fixed: the KVP daemon runs on ${machineName}.`
          : `The fix on ${machineName} failed${state.value.error ? `: ${state.value.error}` : `: ${state.value.steps.at(-1)?.command} (exit ${state.value.steps.at(-1)?.code})`}`)}
    </div>
  );
}
