// Copies text to the clipboard. navigator.clipboard needs a secure context and,
// in some browsers, a permission; the fallback selects a hidden textarea and
// uses execCommand('copy'), which works inside a user gesture almost anywhere.
// Returns true when the text was copied.
export async function copyText(text) {
  if (typeof navigator !== 'undefined' && navigator.clipboard?.writeText) {
    try {
      await navigator.clipboard.writeText(text);
      return true;
    } catch {
      // fall through to the fallback
    }
  }
  return legacyCopy(text);
}

function legacyCopy(text) {
  if (typeof document === 'undefined') return false;
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.setAttribute('aria-hidden', 'true');
  area.style.position = 'fixed';
  area.style.top = '0';
  area.style.left = '-9999px';
  area.style.opacity = '0';
  const active = document.activeElement;
  document.body.appendChild(area);
  area.select();
  area.setSelectionRange(0, text.length);
  let ok = false;
  try {
    ok = typeof document.execCommand === 'function' && document.execCommand('copy');
  } catch {
    ok = false;
  }
  document.body.removeChild(area);
  if (active && typeof active.focus === 'function') active.focus();
  return ok;
}
