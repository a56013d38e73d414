import { describe, expect, it } from 'vitest';
import { browserFamily, deniedSteps } from './media-help.js';
import { passwordDigits } from '../components/PasswordForm.jsx';

const UA = {
  chrome: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
  edge: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 Edg/120.0.0.0',
  firefox: 'Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0',
  safariIos:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1',
};

describe('camera and microphone help', () => {
  it('tells the browsers apart', () => {
    expect(browserFamily(UA.chrome)).toBe('chrome');
    expect(browserFamily(UA.edge)).toBe('edge');
    expect(browserFamily(UA.firefox)).toBe('firefox');
    expect(browserFamily(UA.safariIos)).toBe('safari');
  });
  it('gives each browser its own steps', () => {
    expect(deniedSteps(UA.chrome).join(' ')).toMatch(/Privacy and security › Site settings/);
    expect(deniedSteps(UA.firefox).join(' ')).toMatch(/Blocked Temporarily/);
    expect(deniedSteps(UA.safariIos).join(' ')).toMatch(/aA/);
    expect(deniedSteps(UA.edge).join(' ')).toMatch(/Cookies and site permissions/);
  });
});

describe('a pasted session password', () => {
  it('keeps the digits of "345 427", "345-427" and a no-break space', () => {
    for (const v of ['345 427', '345-427', '345\u00a0427', ' 345427 ']) expect(passwordDigits(v)).toBe('345427');
    expect(passwordDigits('1234567')).toBe('123456');
  });
});
