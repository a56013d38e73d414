// Browser-specific steps for a camera or microphone the browser refused.
// People do not know which browser they use by name, so each step names
// what they see on screen (the icon, the menu) in the browser they are in.

/** The browser family from a user agent string: chrome, edge, firefox, safari, samsung or other. */
export function browserFamily(ua = typeof navigator === 'undefined' ? '' : navigator.userAgent) {
  if (/SamsungBrowser\//.test(ua)) return 'samsung';
  if (/Edg(A|iOS)?\//.test(ua)) return 'edge';
  if (/Firefox\/|FxiOS\//.test(ua)) return 'firefox';
  if (/Chrome\/|Chromium\/|CriOS\//.test(ua)) return 'chrome';
  if (/Safari\//.test(ua) && /Version\//.test(ua)) return 'safari';
  return 'other';
}

function isPhone(ua) {
  return /Android|iPhone|iPad|iPod|Mobile/.test(ua);
}

/** What to do when camera and microphone are blocked, for this browser. */
export function deniedSteps(ua = typeof navigator === 'undefined' ? '' : navigator.userAgent) {
  const phone = isPhone(ua);
  const ios = /iPhone|iPad|iPod/.test(ua);
  switch (browserFamily(ua)) {
    case 'chrome':
      if (ios) return ['Open the iPhone Settings app › Chrome, turn on Camera and Microphone, then come back and press “Check again”.'];
      return phone
        ? [
            'Tap the icon left of the address, then Permissions, and allow Camera and Microphone.',
            'Or: Chrome menu ⋮ › Settings › Site settings › Camera (and Microphone) › allow this site. Then press “Check again”.',
          ]
        : [
            'Click the icon left of the address (a camera with a red cross, or the sliders icon), set Camera and Microphone to “Allow”, then press “Check again”.',
            'If they stay blocked: Chrome menu ⋮ › Settings › Privacy and security › Site settings › Camera and Microphone, and remove this site from “Not allowed”.',
          ];
    case 'edge':
      return [
        'Click the lock icon left of the address › Permissions for this site, set Camera and Microphone to “Allow”, then press “Check again”.',
        'Or: Edge menu … › Settings › Cookies and site permissions › Camera and Microphone.',
      ];
    case 'firefox':
      return phone
        ? ['Tap the lock icon left of the address, allow Camera and Microphone, then press “Check again”.']
        : [
            'Click the crossed-out camera or microphone icon left of the address and remove “Blocked Temporarily” (or “Blocked”), then press “Check again” and choose “Allow”.',
            'Or: Firefox menu ☰ › Settings › Privacy & Security › Permissions › Camera and Microphone › Settings….',
          ];
    case 'safari':
      return ios
        ? [
            'Tap “aA” in the address bar › Website Settings, set Camera and Microphone to “Allow”, then press “Check again”.',
            'Or: Settings app › Safari › Camera and Microphone › Allow.',
          ]
        : [
            'Safari menu › Settings for this website… (or Settings › Websites › Camera and Microphone), choose “Allow”, then press “Check again”.',
          ];
    case 'samsung':
      return ['Tap the lock icon left of the address › Permissions, allow Camera and Microphone, then press “Check again”.'];
    default:
      return [
        'Open this site’s permissions (usually the lock or camera icon in the address bar), allow Camera and Microphone, then press “Check again”.',
        'On a phone: the browser’s site settings in the phone’s Settings app.',
      ];
  }
}

/** The browser's name as people say it, for headings. */
export function browserName(ua) {
  return (
    { chrome: 'Chrome', edge: 'Edge', firefox: 'Firefox', safari: 'Safari', samsung: 'Samsung Internet' }[browserFamily(ua)] ||
    'your browser'
  );
}
