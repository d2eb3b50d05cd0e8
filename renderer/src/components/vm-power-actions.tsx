// A VM's Start, Stop and Restart: a stopped or missing VM offers Start, a running one Stop and
// Restart, each of which asks first; while one runs the row says so ("stopping…"), and what it
// did is said once it is done. A VM whose provider cannot power VMs (a Linux manifest) says why,
// with no buttons.
import { useState } from 'react';
import { POWER_PROGRESS, powerActions, type PowerAction, type VmView } from '../../../contract/api';
import { useStore } from '../store';
import { Confirm } from './confirm';

const LABEL: Record<PowerAction, string> = { start: 'Start', stop: 'Stop', restart: 'Restart' };

export function VmPowerActions({ vm, configPath }: { vm: VmView; configPath: string }) {
  const run = useStore((s) => s.run);
  const powering = useStore((s) => s.app?.powering?.[vm.key]);
  const [confirming, setConfirming] = useState<'stop' | 'restart' | null>(null);
  const [said, setSaid] = useState<string | null>(null);
  if (vm.powerUnavailable) {
    return (
      <p className="muted vm-power" data-testid="power-unavailable">
        {vm.powerUnavailable}
      </p>
    );
  }
  const act = async (action: PowerAction) => {
    setConfirming(null);
    setSaid(null);
    const result = await run((api) => api.powerVm(configPath, vm.machineName, action));
    if (result) setSaid(result.message);
  };
  const question = (action: 'stop' | 'restart') => `${LABEL[action]} ${vm.machineName}`;
  return (
    <div className="vm-power row" data-testid="vm-power">
      {powering ? (
        <span role="status" data-testid="power-progress">
          {POWER_PROGRESS[powering]}
        </span>
      ) : confirming ? (
        <Confirm label={question(confirming)} onCancel={() => setConfirming(null)}>
          <p>{confirming === 'stop' ? `${vm.machineName}'s operating system will be asked to shut down; unsaved work inside it may be lost.` : `${vm.machineName}'s operating system will shut down and the VM start again; unsaved work inside it may be lost.`}</p>
          <div className="row">
            <button type="button" className="primary" onClick={() => void act(confirming)}>
              {LABEL[confirming]}
            </button>
            <button type="button" onClick={() => setConfirming(null)}>
              Cancel
            </button>
          </div>
        </Confirm>
      ) : (
        powerActions(vm).map((action) =>
          action === 'start' ? (
            <button key={action} type="button" onClick={() => void act(action)} aria-label={`Start ${vm.machineName}`}>
              Start
            </button>
          ) : (
            <button key={action} type="button" data-opens={question(action)} onClick={() => setConfirming(action)} aria-label={`${LABEL[action]} ${vm.machineName}…`}>
              {LABEL[action]}…
            </button>
          ),
        )
      )}
      {said && !powering && (
        <span className="muted" role="status" data-testid="power-said">
          {said}
        </span>
      )}
    </div>
  );
}
