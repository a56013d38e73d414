import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { VideoSessionModal } from './VideoSessionModal.jsx';
import { validateSessionForm, toUpdateBody } from '../utils/form.js';
import { jsonResponse, renderWithQuery } from '../../../testing/helpers.jsx';

const clients = [
  { id: 9, name: 'Sam Client', email: 'sam@example.test' },
  { id: 11, name: 'Kim Other', email: 'kim@example.test' },
];
const NOW = Date.parse('2026-12-01T08:00:00Z');

function renderModal(props = {}) {
  const onClose = vi.fn();
  const onSaved = vi.fn();
  renderWithQuery(
    <VideoSessionModal clients={clients} timezone="Europe/Berlin" onClose={onClose} onSaved={onSaved} now={() => NOW} {...props} />,
  );
  return { onClose, onSaved };
}

async function fillValid(user) {
  await user.selectOptions(screen.getByLabelText('Client'), '9');
  await user.clear(screen.getByLabelText('Title'));
  await user.type(screen.getByLabelText('Title'), 'Weekly check-in');
  fireEvent.change(screen.getByLabelText('Date'), { target: { value: '2026-12-01' } });
  fireEvent.change(screen.getByLabelText('Start time'), { target: { value: '16:00' } });
  await user.selectOptions(screen.getByLabelText('Duration'), '45');
}

describe('VideoSessionModal', () => {
  let fetchMock;
  beforeEach(() => {
    fetchMock = vi.fn();
    vi.stubGlobal('fetch', fetchMock);
  });
  afterEach(() => vi.unstubAllGlobals());

  it('is a labelled dialog with password protection on by default and the zone named', () => {
    renderModal();
    expect(screen.getByLabelText('Date').value).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(screen.getByLabelText('Start time').value).toMatch(/^\d{2}:[03]0$/);
    const dialog = screen.getByRole('dialog', { name: 'Schedule a video session' });
    expect(dialog).toHaveAttribute('aria-modal', 'true');
    expect(screen.getByLabelText('Password protection')).toBeChecked();
    expect(within(dialog).getAllByText(/Europe\/Berlin/).length).toBeGreaterThan(0);
    const durations = within(screen.getByLabelText('Duration'))
      .getAllByRole('option')
      .map((o) => o.value);
    expect(durations).toEqual(Array.from({ length: 31 }, (_, i) => String(30 + i * 5)));
  });

  it('shows what is missing next to each field and sends nothing', async () => {
    const user = userEvent.setup();
    renderModal();
    await user.clear(screen.getByLabelText('Title'));
    fireEvent.change(screen.getByLabelText('Date'), { target: { value: '' } });
    await user.click(screen.getByRole('button', { name: 'Create session' }));
    expect(screen.getByText('Choose the client for this session.')).toBeInTheDocument();
    expect(screen.getByText('Enter a title.')).toBeInTheDocument();
    expect(screen.getByText('Choose the date and the start time.')).toBeInTheDocument();
    expect(screen.getByLabelText('Client')).toHaveAttribute('aria-invalid', 'true');
    expect(screen.getByLabelText('Client')).toHaveFocus();
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it('refuses a start time in the past', async () => {
    const user = userEvent.setup();
    renderModal();
    await fillValid(user);
    fireEvent.change(screen.getByLabelText('Start time'), { target: { value: '08:30' } }); // 07:30Z < now
    await user.click(screen.getByRole('button', { name: 'Create session' }));
    expect(screen.getByText(/start time is in the past/)).toBeInTheDocument();
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it('creates the session in UTC and then shows the link and one-time password with copy buttons', async () => {
    const user = userEvent.setup();
    const writeText = vi.fn().mockResolvedValue(undefined);
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    fetchMock.mockResolvedValueOnce(
      jsonResponse(201, {
        id: 42,
        partner_id: 3,
        user_id: 9,
        partner: { id: 3, name: 'Dr. Ada Rivers' },
        user: { id: 9, name: 'Sam Client' },
        title: 'Weekly check-in',
        session_date: '2026-12-01T15:00:00Z',
        end_date: '2026-12-01T15:45:00Z',
        duration_minutes: 45,
        status: 'scheduled',
        password_enabled: true,
        meeting_url: 'https://vs.example/join/42',
        password: '483920',
      }),
    );
    const { onSaved } = renderModal();
    await fillValid(user);
    await user.type(screen.getByLabelText(/Notes/), 'bring diary');
    await user.click(screen.getByRole('button', { name: 'Create session' }));

    await screen.findByRole('dialog', { name: 'Session scheduled' });
    const [url, init] = fetchMock.mock.calls[0];
    expect(url).toBe('/api/video-sessions');
    expect(init.method).toBe('POST');
    expect(init.credentials).toBe('same-origin');
    expect(init.headers['Content-Type']).toBe('application/json');
    expect(JSON.parse(init.body)).toEqual({
      user_id: 9,
      title: 'Weekly check-in',
      session_date: '2026-12-01T15:00:00Z',
      duration_minutes: 45,
      password_enabled: true,
      notes: 'bring diary',
    });
    expect(onSaved).toHaveBeenCalled();
    expect(screen.getByLabelText('Join link')).toHaveValue('https://vs.example/join/42');
    expect(screen.getByLabelText('Password')).toHaveValue('483920');
    expect(screen.getByText(/shown only now/)).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Copy password' }));
    expect(writeText).toHaveBeenLastCalledWith('483920');
    await user.click(screen.getByRole('button', { name: 'Copy details' }));
    const message = writeText.mock.calls.at(-1)[0];
    expect(message).toContain('https://vs.example/join/42');
    expect(message).toContain('Password: 483920');
    expect(message).toContain('Tue 1 Dec 2026, 16:00 (Europe/Berlin)');
    expect(await screen.findByText('✓ Details copied')).toBeInTheDocument();
  });

  it('puts a server 422 next to the field it names', async () => {
    const user = userEvent.setup();
    fetchMock.mockResolvedValueOnce(
      jsonResponse(422, { error: { code: 'validation_failed', message: 'This client is not one of yours.', field: 'user_id' } }),
    );
    renderModal();
    await fillValid(user);
    await user.click(screen.getByRole('button', { name: 'Create session' }));
    const msg = await screen.findByText('This client is not one of yours.');
    expect(msg).toHaveAttribute('id', 'vs-client-error');
    expect(screen.getByLabelText('Client')).toHaveAttribute('aria-describedby', expect.stringContaining('vs-client-error'));
  });

  it('names the conflicting booking on a 409', async () => {
    const user = userEvent.setup();
    fetchMock.mockResolvedValueOnce(
      jsonResponse(409, {
        error: {
          code: 'conflict',
          message: 'The partner is already booked then.',
          details: {
            conflicting: {
              kind: 'appointment',
              id: 7,
              start: '2026-12-01T14:30:00Z',
              end: '2026-12-01T15:30:00Z',
              title: 'Supervision',
              user: null,
            },
          },
        },
      }),
    );
    renderModal();
    await fillValid(user);
    await user.click(screen.getByRole('button', { name: 'Create session' }));
    const alert = await screen.findByTestId('form-error');
    expect(alert).toHaveTextContent('That time is already booked');
    expect(alert).toHaveTextContent('the appointment “Supervision”, Tue 1 Dec 2026, 15:30–16:30 (Europe/Berlin).');
    expect(alert).not.toHaveTextContent('#7');
    expect(screen.getByRole('dialog', { name: 'Schedule a video session' })).toBeInTheDocument();
  });

  it('edits: prefills in the viewer’s zone and sends only what changed', async () => {
    const user = userEvent.setup();
    const session = {
      id: 42,
      user_id: 9,
      user: { id: 9, name: 'Sam Client' },
      title: 'Weekly',
      session_date: '2026-12-01T15:00:00Z',
      end_date: '2026-12-01T15:50:00Z',
      duration_minutes: 50,
      status: 'scheduled',
      password_enabled: true,
      notes: '',
      meeting_url: 'https://vs.example/join/42',
    };
    fetchMock.mockResolvedValueOnce(jsonResponse(200, { ...session, title: 'Weekly (moved)' }));
    const { onClose } = renderModal({ session });
    expect(screen.getByLabelText('Date')).toHaveValue('2026-12-01');
    expect(screen.getByLabelText('Start time')).toHaveValue('16:00');
    await user.clear(screen.getByLabelText('Title'));
    await user.type(screen.getByLabelText('Title'), 'Weekly (moved)');
    await user.click(screen.getByRole('button', { name: 'Save changes' }));
    // an edit is confirmed, with the new details to tell the client
    const saved = await screen.findByRole('dialog', { name: 'Saved. Tell Sam about the change?' });
    expect(within(saved).getByRole('button', { name: 'Copy the new details' })).toBeInTheDocument();
    expect(onClose).not.toHaveBeenCalled();
    await user.click(within(saved).getByRole('button', { name: 'Done' }));
    expect(onClose).toHaveBeenCalled();
    const [url, init] = fetchMock.mock.calls[0];
    expect(url).toBe('/api/video-sessions/42');
    expect(init.method).toBe('PUT');
    expect(JSON.parse(init.body)).toEqual({ title: 'Weekly (moved)' });
  });

  const editing = {
    id: 42,
    user_id: 9,
    user: { id: 9, name: 'Sam Client' },
    title: 'Weekly',
    session_date: '2026-12-01T15:00:00Z',
    end_date: '2026-12-01T15:50:00Z',
    duration_minutes: 50,
    status: 'scheduled',
    password_enabled: false,
    notes: '',
    meeting_url: 'https://vs.example/join/42',
  };

  it('after an edit that keeps the time, offers to email the new details (the invitation again)', async () => {
    const user = userEvent.setup();
    fetchMock.mockResolvedValueOnce(jsonResponse(200, { ...editing, title: 'Weekly review' }));
    renderModal({ session: editing });
    await user.clear(screen.getByLabelText('Title'));
    await user.type(screen.getByLabelText('Title'), 'Weekly review');
    await user.click(screen.getByRole('button', { name: 'Save changes' }));
    const saved = await screen.findByRole('dialog', { name: 'Saved. Tell Sam about the change?' });
    expect(within(saved).getByRole('button', { name: 'Copy the new details' })).toBeInTheDocument();
    fetchMock.mockResolvedValueOnce(jsonResponse(202, { queued: true }));
    await user.click(within(saved).getByRole('button', { name: 'Email Sam the new details' }));
    expect(await within(saved).findByText(/Queued: Sam gets the invitation/)).toBeInTheDocument();
    const [url, init] = fetchMock.mock.calls[1];
    expect(url).toBe('/api/video-sessions/42/messages/resend-invitation');
    expect(init.method).toBe('POST');
  });

  it('after a time change, says the client has been emailed the new time instead of offering', async () => {
    const user = userEvent.setup();
    fetchMock.mockResolvedValueOnce(
      jsonResponse(200, { ...editing, session_date: '2026-12-01T16:00:00Z', end_date: '2026-12-01T16:50:00Z' }),
    );
    renderModal({ session: editing });
    fireEvent.change(screen.getByLabelText('Start time'), { target: { value: '17:00' } });
    await user.click(screen.getByRole('button', { name: 'Save changes' }));
    const saved = await screen.findByRole('dialog', { name: 'Saved. Tell Sam about the change?' });
    expect(within(saved).getByTestId('tell-client')).toHaveTextContent('Sam has been emailed the new time.');
    expect(within(saved).queryByRole('button', { name: /Email Sam/ })).toBeNull();
    expect(within(saved).getByRole('button', { name: 'Copy the new details' })).toBeInTheDocument();
    expect(fetchMock).toHaveBeenCalledTimes(1);
  });

  it('after giving the session to another client, says that client has been emailed the session', async () => {
    const user = userEvent.setup();
    fetchMock.mockResolvedValueOnce(jsonResponse(200, { ...editing, user_id: 11, user: { id: 11, name: 'Kim Other' } }));
    renderModal({ session: editing });
    await user.selectOptions(screen.getByLabelText('Client'), '11');
    await user.click(screen.getByRole('button', { name: 'Save changes' }));
    const saved = await screen.findByRole('dialog', { name: 'Saved. Tell Kim about the change?' });
    expect(within(saved).getByTestId('tell-client')).toHaveTextContent('Kim has been emailed the session.');
    expect(within(saved).queryByRole('button', { name: /Email Kim/ })).toBeNull();
    expect(JSON.parse(fetchMock.mock.calls[0][1].body)).toEqual({ user_id: 11 });
  });

  it('cancels from the edit dialog through the cancel dialog: a reason, POST …/cancel, never a PUT', async () => {
    const user = userEvent.setup();
    const { onClose, onSaved } = renderModal({ session: editing });
    await user.click(screen.getByRole('button', { name: 'Cancel session…' }));
    // "Keep the session" goes back to the form, unchanged
    await user.click(await screen.findByRole('button', { name: 'Keep the session' }));
    expect(await screen.findByRole('dialog', { name: 'Edit video session' })).toBeInTheDocument();
    expect(fetchMock).not.toHaveBeenCalled();
    await user.click(screen.getByRole('button', { name: 'Cancel session…' }));
    await user.type(await screen.findByLabelText('Reason (optional)'), 'I am ill, sorry');
    fetchMock.mockResolvedValueOnce(jsonResponse(200, { ...editing, status: 'cancelled', cancel_reason: 'I am ill, sorry' }));
    await user.click(screen.getByRole('button', { name: 'Cancel the session' }));
    await vi.waitFor(() => expect(onClose).toHaveBeenCalled());
    expect(onSaved).toHaveBeenCalled(); // the calendar and lists refresh
    const [url, init] = fetchMock.mock.calls[0];
    expect(url).toBe('/api/video-sessions/42/cancel');
    expect(init.method).toBe('POST');
    expect(JSON.parse(init.body)).toEqual({ reason: 'I am ill, sorry' });
    expect(fetchMock.mock.calls.some(([, i]) => i.method === 'PUT')).toBe(false);
  });
});

describe('validateSessionForm', () => {
  const base = { user_id: '9', title: 'T', date: '2026-12-01', time: '16:00', duration_minutes: '60', notes: '', password_enabled: true };
  const opts = { tz: 'Europe/Berlin', now: NOW };
  it('accepts a valid form', () => expect(validateSessionForm(base, opts)).toEqual({}));
  it('takes 5-minute steps and rejects durations off that grid or out of range', () => {
    expect(validateSessionForm({ ...base, duration_minutes: '50' }, opts)).not.toHaveProperty('duration_minutes');
    expect(validateSessionForm({ ...base, duration_minutes: '52' }, opts)).toHaveProperty('duration_minutes');
    expect(validateSessionForm({ ...base, duration_minutes: '195' }, opts)).toHaveProperty('duration_minutes');
    expect(validateSessionForm({ ...base, duration_minutes: '25' }, opts)).toHaveProperty('duration_minutes');
  });
  it('limits title and notes', () => {
    expect(validateSessionForm({ ...base, title: 'x'.repeat(201) }, opts)).toHaveProperty('title');
    expect(validateSessionForm({ ...base, notes: 'x'.repeat(10001) }, opts)).toHaveProperty('notes');
  });
  it('lets an edit keep a start that is already past', () => {
    const original = { session_date: '2026-12-01T07:00:00Z' };
    expect(validateSessionForm({ ...base, time: '08:00' }, { ...opts, original })).toEqual({});
  });
  it('asks for a new password only when it stays enabled', () => {
    const original = {
      user_id: 9,
      title: 'T',
      session_date: '2026-12-01T15:00:00Z',
      duration_minutes: 60,
      password_enabled: true,
      notes: '',
    };
    expect(toUpdateBody({ ...base, regenerate_password: true }, original, 'Europe/Berlin')).toEqual({ regenerate_password: true });
    expect(toUpdateBody({ ...base, password_enabled: false, regenerate_password: true }, original, 'Europe/Berlin')).toEqual({
      password_enabled: false,
    });
  });
});
