// A confirmation inside the page: focus moves into it when it opens (to its first button) and
// back to the control that opened it when it closes; Escape cancels.
import { useEffect, useRef, type ReactNode } from 'react';

export function Confirm({ label, onCancel, children }: { label: string; onCancel: () => void; children: ReactNode }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    // When the opener was replaced by this confirmation, the focus already fell to the body.
    const opener = document.activeElement instanceof HTMLElement && document.activeElement !== document.body ? document.activeElement : null;
    ref.current?.querySelector<HTMLElement>('button')?.focus();
    return () => {
      // The opener is usually replaced by the confirmation and comes back once it has closed:
      // look for it (by what it opens) after React has put it back.
      setTimeout(() => {
        const target = opener?.isConnected ? opener : [...document.querySelectorAll<HTMLElement>('[data-opens]')].find((e) => e.dataset.opens === label);
        target?.focus();
      }, 0);
    };
  }, [label]);
  return (
    <div
      ref={ref}
      className="confirm"
      role="dialog"
      aria-label={label}
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.stopPropagation();
          onCancel();
        }
      }}
    >
      {children}
    </div>
  );
}
