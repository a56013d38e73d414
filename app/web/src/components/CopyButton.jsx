import { useEffect, useRef, useState } from 'react';
import { copyText } from '../lib/clipboard.js';

// A button that copies `text` and says so in a polite live region.
export function CopyButton({ text, label, copiedLabel = 'Copied', className = 'btn btn--small', ...rest }) {
  const [state, setState] = useState('idle');
  const timer = useRef(null);
  useEffect(() => () => clearTimeout(timer.current), []);

  async function onClick() {
    const value = typeof text === 'function' ? await text() : text;
    const ok = value ? await copyText(value) : false;
    setState(ok ? 'copied' : 'failed');
    clearTimeout(timer.current);
    timer.current = setTimeout(() => setState('idle'), 2500);
  }

  return (
    <>
      <button type="button" className={className} onClick={onClick} {...rest}>
        {state === 'copied' ? `✓ ${copiedLabel}` : label}
      </button>
      <span className="visually-hidden" role="status" aria-live="polite">
        {state === 'copied' ? `${copiedLabel}.` : state === 'failed' ? 'Copying failed; select the text and copy it.' : ''}
      </span>
    </>
  );
}
