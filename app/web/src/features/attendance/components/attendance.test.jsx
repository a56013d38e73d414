import { describe, expect, it } from 'vitest';
import { screen } from '@testing-library/react';
import { makeSession, renderWithQuery } from '../../../testing/helpers.jsx';
import { attendanceLines, suggestedOutcome } from './SessionRecordDialog.jsx';
import { ClientCancelDialog, noticeText } from './ClientCancelDialog.jsx';
import { noticeHeadline } from './NoticesPanel.jsx';

const joined = (role, at, name = null) => ({ role, name, first_joined_at: at });

describe('the record after: attendance and the suggested outcome', () => {
  it('says who never joined and suggests a no-show', () => {
    const s = makeSession({ status: 'completed', attendance: [joined('partner', '2026-12-01T14:58:00Z')] });
    expect(attendanceLines(s, 'Europe/Berlin')).toEqual(['Sam never joined', 'You joined at 15:58']);
    expect(suggestedOutcome(s)).toBe('no_show');
  });

  it('suggests attended when the client joined, lists guests, and keeps a marked outcome', () => {
    const s = makeSession({
      status: 'completed',
      attendance: [joined('client', '2026-12-01T15:01:00Z'), joined('guest', '2026-12-01T15:05:00Z', 'Robin')],
    });
    expect(attendanceLines(s, 'UTC')).toEqual(['Sam joined at 15:01', 'You never joined', 'Robin (guest) joined at 15:05']);
    expect(suggestedOutcome(s)).toBe('attended');
    expect(suggestedOutcome({ ...s, outcome: 'no_show' })).toBe('no_show');
    expect(suggestedOutcome({ ...s, status: 'cancelled' })).toBe('');
  });
});

describe('the client’s cancel dialog tells the policy before confirming', () => {
  it('warns of a late cancellation inside the notice period', () => {
    renderWithQuery(
      <ClientCancelDialog session={makeSession({ cancellation: { notice_hours: 24, late: true } })} tz="UTC" onClose={() => {}} />,
    );
    expect(screen.getByText('Your therapist asks for 24 hours’ notice.')).toBeVisible();
    expect(screen.getByTestId('late-cancel-warning')).toHaveTextContent('cancelling now counts as a late cancellation');
    expect(screen.getByRole('button', { name: 'Cancel anyway' })).toBeVisible();
  });

  it('says nothing of lateness in good time', () => {
    renderWithQuery(
      <ClientCancelDialog session={makeSession({ cancellation: { notice_hours: 1, late: false } })} tz="UTC" onClose={() => {}} />,
    );
    expect(screen.getByText('Your therapist asks for 1 hour’s notice.')).toBeVisible();
    expect(screen.queryByTestId('late-cancel-warning')).toBeNull();
    expect(noticeText(0)).toMatch(/no notice/);
  });
});

describe('notices', () => {
  it('name the client, the session and a late cancellation', () => {
    const n = {
      kind: 'client_cancel',
      client: { name: 'Sam' },
      session_title: 'Weekly',
      session_date: '2026-12-01T15:00:00Z',
      late: true,
    };
    expect(noticeHeadline(n, 'UTC')).toMatch(/^Sam cancelled Weekly on .* \(late cancellation\)$/);
    expect(noticeHeadline({ ...n, kind: 'reschedule_request', late: false }, 'UTC')).toMatch(/^Sam asks for another time for Weekly on /);
  });
});
