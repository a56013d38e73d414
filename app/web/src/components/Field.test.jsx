import { describe, expect, it } from 'vitest';
import { render, screen } from '@testing-library/react';
import { Field } from './Field.jsx';

describe('Field', () => {
  it('labels the control and ties its hint and error to it', () => {
    render(
      <Field id="f-title" label="Title" hint="Up to 200 characters." error="Enter a title.">
        {(p) => <input {...p} type="text" />}
      </Field>,
    );
    const input = screen.getByLabelText('Title');
    expect(input).toHaveAttribute('aria-invalid', 'true');
    expect(input).toHaveAccessibleDescription('Up to 200 characters. Enter a title.');
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });

  it('announces a server answer and puts a checkbox before its label', () => {
    const { container } = render(
      <>
        <Field id="f-pw" label="Password" error="Wrong password." alertError>
          {(p) => <input {...p} type="text" />}
        </Field>
        <Field id="f-check" label="Password protection" check>
          {(p) => <input {...p} type="checkbox" />}
        </Field>
      </>,
    );
    expect(screen.getByRole('alert')).toHaveTextContent('Wrong password.');
    expect(screen.getByLabelText('Password protection')).not.toHaveAttribute('aria-invalid');
    const check = container.querySelector('.field--check');
    expect([...check.children].map((el) => el.tagName)).toEqual(['INPUT', 'LABEL']);
  });
});
