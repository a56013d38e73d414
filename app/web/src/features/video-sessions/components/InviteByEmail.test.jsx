import { describe, expect, it, vi } from 'vitest';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { InviteByEmail } from './InviteByEmail.jsx';
import { renderWithQuery } from '../../../testing/helpers.jsx';

const session = { id: 42, title: 'Weekly' };

describe('InviteByEmail', () => {
  it('sends the address and name, and hands the new link back', async () => {
    const user = userEvent.setup();
    const send = vi.fn().mockResolvedValue({ invite_url: 'https://vs.example/join/42?invite=new' });
    const onSent = vi.fn();
    renderWithQuery(<InviteByEmail session={session} onSent={onSent} send={send} />);
    expect(screen.getByRole('button', { name: 'Email the link' })).toBeDisabled();
    await user.type(screen.getByLabelText("Guest's email"), ' gia@guest.example ');
    await user.type(screen.getByLabelText("Guest's name (optional)"), 'Gia');
    await user.click(screen.getByRole('button', { name: 'Email the link' }));
    await waitFor(() => expect(onSent).toHaveBeenCalledWith('https://vs.example/join/42?invite=new'));
    expect(send).toHaveBeenCalledWith(42, 'gia@guest.example', 'Gia');
    expect(screen.getByRole('status')).toHaveTextContent('Sent to gia@guest.example');
  });

  it("shows the server's 422 next to the address", async () => {
    const user = userEvent.setup();
    const err = Object.assign(new Error('email must be a plain address such as guest@example.org.'), { status: 422, field: 'email' });
    renderWithQuery(<InviteByEmail session={session} onSent={vi.fn()} send={vi.fn().mockRejectedValue(err)} />);
    await user.type(screen.getByLabelText("Guest's email"), 'nope');
    await user.click(screen.getByRole('button', { name: 'Email the link' }));
    expect(await screen.findByText('email must be a plain address such as guest@example.org.')).toBeInTheDocument();
  });
});
