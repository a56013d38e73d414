import { describe, expect, it } from 'vitest';
import { describeConflict } from './conflict.js';

describe('a booking conflict in words', () => {
  it('names the booking by title and client and its time in the viewer’s zone, never by number', () => {
    const text = describeConflict(
      {
        kind: 'video_session',
        id: 179,
        start: '2026-12-04T09:00:00Z',
        end: '2026-12-04T09:50:00Z',
        title: 'Progress review',
        user: { id: 9, name: 'Sam Client' },
      },
      'Europe/Berlin',
    );
    expect(text).toBe(
      'This time overlaps the video session “Progress review with Sam Client”, Fri 4 Dec 2026, 10:00–10:50 (Europe/Berlin). Choose another time or a shorter duration.',
    );
    expect(text).not.toContain('#179');
  });
  it('names an appointment without a client by its title', () => {
    expect(
      describeConflict(
        { kind: 'appointment', id: 7, start: '2026-12-04T13:00:00Z', end: '2026-12-04T14:00:00Z', title: 'Supervision', user: null },
        'UTC',
      ),
    ).toMatch(/^This time overlaps the appointment “Supervision”, /);
  });
});
