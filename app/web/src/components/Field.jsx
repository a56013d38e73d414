// A labelled form control with its hint and error wired up through
// aria-describedby / aria-invalid. `children` receives the props to spread on
// the control. `alertError` announces the error as soon as it appears (for
// answers that arrive from the server after the form was sent); `check` puts
// a checkbox before its label.
export function Field({ id, label, hint, error, alertError = false, check = false, children, className = '' }) {
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`field ${check ? 'field--check ' : ''}${error ? 'field--invalid' : ''} ${className}`}>
      {!check && <label htmlFor={id}>{label}</label>}
      {children({ id, 'aria-describedby': describedBy, 'aria-invalid': error ? true : undefined })}
      {check && <label htmlFor={id}>{label}</label>}
      {hint && (
        <p className="field__hint" id={hintId}>
          {hint}
        </p>
      )}
      {error && (
        <p className="field__error" id={errorId} role={alertError ? 'alert' : undefined}>
          {error}
        </p>
      )}
    </div>
  );
}
