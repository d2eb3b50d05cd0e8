// What a new user sees first: what the tray does, Add project (a ragnatramp.yaml, or a provider's
// VMs), and this computer's checks (so that a PC that cannot work says why before any project is added).
import { AddProjectKind } from './add-watched-project';
import { HostChecks } from './host-checks';

export function EmptyState({ filePicker, platform }: { filePicker: boolean; platform: string }) {
  return (
    <section className="empty-state" aria-labelledby="empty-title">
      <h2 id="empty-title">Watch your first project</h2>
      <p>
        Ragnatramp Tray finds the IP address of each VM of a Ragnatramp project, records it in the project's <code>.ragnatramp/state.json</code>, and keeps every guest's <code>/etc/hosts</code> up to date so the VMs reach each other by name.
      </p>
      <p>Pick the project's <code>ragnatramp.yaml</code> (or its folder) to start. For hosts sync, give it an <code>ssh</code> block (user and private key) under <code>defaults</code>.</p>
      <AddProjectKind filePicker={filePicker} platform={platform} />
      <HostChecks />
    </section>
  );
}
