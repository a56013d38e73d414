// An accessible modal dialog: role=dialog + aria-modal, labelled by its title,
// focus moved inside on open, kept inside while open (Tab wraps), Escape
// closes, and focus goes back to what opened it.
import { useEffect, useId, useRef } from 'react';
import { createPortal } from 'react-dom';
import { useLatest } from './useLatest.js';

const FOCUSABLE =
  'a[href], button:not([disabled]), input:not([disabled]):not([type="hidden"]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

export function Modal({ title, onClose, children, footer, size = 'medium', describedBy, initialFocus }) {
  const titleId = useId();
  const ref = useRef(null);
  const closeRef = useLatest(onClose);

  useEffect(() => {
    const opener = document.activeElement;
    const node = ref.current;
    const target = (initialFocus && node.querySelector(initialFocus)) || node.querySelector(FOCUSABLE) || node;
    target.focus();
    document.body.classList.add('has-modal');

    function onKey(e) {
      if (e.key === 'Escape') {
        e.stopPropagation();
        closeRef.current?.();
      } else if (e.key === 'Tab') {
        const items = [...node.querySelectorAll(FOCUSABLE)].filter((el) => el.offsetParent !== null || el === document.activeElement);
        if (items.length === 0) return;
        const first = items[0];
        const last = items[items.length - 1];
        if (e.shiftKey && document.activeElement === first) {
          e.preventDefault();
          last.focus();
        } else if (!e.shiftKey && document.activeElement === last) {
          e.preventDefault();
          first.focus();
        }
      }
    }
    node.addEventListener('keydown', onKey);
    return () => {
      node.removeEventListener('keydown', onKey);
      document.body.classList.remove('has-modal');
      if (opener && typeof opener.focus === 'function' && document.contains(opener)) opener.focus();
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- once per opening: focus moves in when the dialog mounts and back when it closes
  }, []);

  return createPortal(
    <div className="modal-backdrop" role="presentation" onMouseDown={(e) => e.target === e.currentTarget && onClose?.()}>
      <div
        ref={ref}
        className={`modal modal--${size}`}
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        aria-describedby={describedBy}
        tabIndex={-1}
      >
        <div className="modal__header">
          <h2 id={titleId} className="modal__title">
            {title}
          </h2>
          {onClose && (
            <button type="button" className="icon-btn" onClick={onClose} aria-label="Close dialog">
              <span aria-hidden="true">×</span>
            </button>
          )}
        </div>
        <div className="modal__body">{children}</div>
        {footer && <div className="modal__footer">{footer}</div>}
      </div>
    </div>,
    document.body,
  );
}

export function ConfirmDialog({
  title,
  children,
  confirmLabel = 'Confirm',
  cancelLabel = 'Cancel',
  danger,
  busy,
  error,
  onConfirm,
  onCancel,
}) {
  return (
    <Modal
      title={title}
      onClose={busy ? undefined : onCancel}
      size="small"
      initialFocus="[data-autofocus]"
      footer={
        <>
          <button type="button" className="btn" onClick={onCancel} disabled={busy} data-autofocus>
            {cancelLabel}
          </button>
          <button type="button" className={`btn ${danger ? 'btn--danger' : 'btn--primary'}`} onClick={onConfirm} disabled={busy}>
            {busy ? 'Working…' : confirmLabel}
          </button>
        </>
      }
    >
      {children}
      {error && (
        <p className="alert alert--error" role="alert">
          {error}
        </p>
      )}
    </Modal>
  );
}
