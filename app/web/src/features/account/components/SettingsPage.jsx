import { useMemo, useState } from 'react';
import { AppHeader } from '../../../components/AppHeader.jsx';
import { ErrorMessage, Loading } from '../../../components/Feedback.jsx';
import { Field } from '../../../components/Field.jsx';
import { useAuth } from '../../../lib/auth/AuthProvider.jsx';
import { browserTimeZone, formatDuration } from '../../../utils/time.js';
import { DURATIONS } from '../../../utils/sessions.js';
import { useChangePassword, useMySettings, usePracticeSettings, useUpdateMySettings, useUpdatePracticeSettings } from '../api/account.js';

function zoneList(extra) {
  let zones = [];
  try {
    zones = Intl.supportedValuesOf('timeZone');
  } catch {
    zones = [];
  }
  const all = new Set(zones);
  for (const z of extra) if (z) all.add(z);
  return [...all].sort();
}

function fieldErrors(err) {
  return err?.field ? { [err.field]: err.message } : {};
}

function ProfileForm({ settings }) {
  const { user, adopt } = useAuth();
  const update = useUpdateMySettings();
  const detected = browserTimeZone();
  const [name, setName] = useState(settings.name);
  const [timezone, setTimezone] = useState(settings.timezone);
  const [reminders, setReminders] = useState(settings.email_reminders);
  const [saved, setSaved] = useState(false);
  const zones = useMemo(() => zoneList([settings.timezone, detected]), [settings.timezone, detected]);
  const errors = fieldErrors(update.error);

  async function onSubmit(e) {
    e.preventDefault();
    setSaved(false);
    try {
      const s = await update.mutateAsync({ name: name.trim(), timezone, email_reminders: reminders });
      adopt({ ...user, name: s.name, timezone: s.timezone });
      setSaved(true);
    } catch {
      // shown through update.error
    }
  }

  return (
    <section className="settings-section" aria-labelledby="profile-h">
      <h2 id="profile-h">Your details</h2>
      <form onSubmit={onSubmit} noValidate>
        <Field id="settings-name" label="Name" error={errors.name}>
          {(p) => <input {...p} type="text" autoComplete="name" maxLength={200} value={name} onChange={(e) => setName(e.target.value)} />}
        </Field>
        <Field id="settings-email" label="Email address" hint="Ask your therapist or administrator to change it.">
          {(p) => <input {...p} type="email" value={settings.email} readOnly />}
        </Field>
        <Field
          id="settings-timezone"
          label="Time zone"
          hint="Session times are shown to you, and emailed to you, in this zone."
          error={errors.timezone}
        >
          {(p) => (
            <select {...p} value={timezone} onChange={(e) => setTimezone(e.target.value)}>
              {zones.map((z) => (
                <option key={z} value={z}>
                  {z.replace(/_/g, ' ')}
                </option>
              ))}
            </select>
          )}
        </Field>
        {detected !== timezone && (
          <p className="notice" role="status">
            This device is set to {detected.replace(/_/g, ' ')}.{' '}
            <button type="button" className="btn btn--small" onClick={() => setTimezone(detected)}>
              Use {detected.replace(/_/g, ' ')}
            </button>
          </p>
        )}
        <Field id="settings-reminders" label="Email me reminders before my sessions" check error={errors.email_reminders}>
          {(p) => <input {...p} type="checkbox" checked={reminders} onChange={(e) => setReminders(e.target.checked)} />}
        </Field>
        {update.error && !update.error.field && <ErrorMessage error={update.error} />}
        {saved && (
          <p className="success-line" role="status">
            Saved.
          </p>
        )}
        <button className="btn btn--primary" type="submit" disabled={update.isPending}>
          {update.isPending ? 'Saving…' : 'Save details'}
        </button>
      </form>
    </section>
  );
}

function PasswordForm() {
  const change = useChangePassword();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [local, setLocal] = useState({});
  const [done, setDone] = useState(null);
  const errors = { ...fieldErrors(change.error), ...local };

  async function onSubmit(e) {
    e.preventDefault();
    setDone(null);
    const bad = {};
    if (!current) bad.current_password = 'Enter your current password.';
    if (new TextEncoder().encode(next).length < 8) bad.new_password = 'Use at least 8 characters.';
    else if (next !== repeat) bad.repeat = 'The two new passwords are not the same.';
    setLocal(bad);
    if (Object.keys(bad).length) return;
    try {
      const r = await change.mutateAsync({ current_password: current, new_password: next });
      setCurrent('');
      setNext('');
      setRepeat('');
      const n = r.other_sessions_ended;
      setDone(`Password changed.${n ? ` ${n} other login${n === 1 ? ' was' : 's were'} ended.` : ''}`);
    } catch {
      // shown through change.error
    }
  }

  return (
    <section className="settings-section" aria-labelledby="password-h">
      <h2 id="password-h">Password</h2>
      <p className="muted">Changing your password logs you out on every other device.</p>
      <form onSubmit={onSubmit} noValidate>
        <Field id="settings-current" label="Current password" error={errors.current_password}>
          {(p) => (
            <input {...p} type="password" autoComplete="current-password" value={current} onChange={(e) => setCurrent(e.target.value)} />
          )}
        </Field>
        <Field id="settings-new" label="New password" hint="At least 8 characters." error={errors.new_password}>
          {(p) => <input {...p} type="password" autoComplete="new-password" value={next} onChange={(e) => setNext(e.target.value)} />}
        </Field>
        <Field id="settings-repeat" label="New password again" error={errors.repeat}>
          {(p) => <input {...p} type="password" autoComplete="new-password" value={repeat} onChange={(e) => setRepeat(e.target.value)} />}
        </Field>
        {change.error && !change.error.field && <ErrorMessage error={change.error} />}
        {done && (
          <p className="success-line" role="status">
            {done}
          </p>
        )}
        <button className="btn btn--primary" type="submit" disabled={change.isPending}>
          {change.isPending ? 'Changing…' : 'Change password'}
        </button>
      </form>
    </section>
  );
}

function PracticeForm({ partnerId }) {
  const practice = usePracticeSettings(partnerId, true);
  if (practice.isPending) return <Loading label="Loading practice settings…" />;
  if (practice.error) return <ErrorMessage error={practice.error} onRetry={practice.refetch} />;
  return <PracticeFields partnerId={partnerId} initial={practice.data} />;
}

function PracticeFields({ partnerId, initial }) {
  const update = useUpdatePracticeSettings(partnerId);
  const [form, setForm] = useState({
    ...initial,
    practice_name: initial.practice_name ?? '',
    default_title: initial.default_title ?? '',
    cancel_notice_hours: String(initial.cancel_notice_hours ?? 24),
    default_duration_minutes: String(initial.default_duration_minutes ?? 60),
  });
  const [saved, setSaved] = useState(false);
  const errors = fieldErrors(update.error);
  const set = (k) => (e) => setForm({ ...form, [k]: e.target.type === 'checkbox' ? e.target.checked : e.target.value });

  async function onSubmit(e) {
    e.preventDefault();
    setSaved(false);
    try {
      await update.mutateAsync({
        practice_name: form.practice_name.trim() ? form.practice_name.trim() : null,
        reminder_24h: form.reminder_24h,
        reminder_1h: form.reminder_1h,
        titles_in_email: form.titles_in_email,
        cancel_notice_hours: Number(form.cancel_notice_hours),
        default_duration_minutes: Number(form.default_duration_minutes),
        default_title: form.default_title.trim() ? form.default_title.trim() : null,
      });
      setSaved(true);
    } catch {
      // shown through update.error
    }
  }

  return (
    <section className="settings-section" aria-labelledby="practice-h">
      <h2 id="practice-h">Your practice</h2>
      <form onSubmit={onSubmit} noValidate>
        <Field
          id="practice-name"
          label="Practice name"
          hint="Emails to your clients are sent under this name. Leave it empty to use your own name."
          error={errors.practice_name}
        >
          {(p) => <input {...p} type="text" maxLength={200} value={form.practice_name} onChange={set('practice_name')} />}
        </Field>
        <fieldset className="fieldset">
          <legend>Reminders to clients</legend>
          <Field id="practice-24h" label="24 hours before a session" check>
            {(p) => <input {...p} type="checkbox" checked={form.reminder_24h} onChange={set('reminder_24h')} />}
          </Field>
          <Field id="practice-1h" label="1 hour before a session" check>
            {(p) => <input {...p} type="checkbox" checked={form.reminder_1h} onChange={set('reminder_1h')} />}
          </Field>
        </fieldset>
        <Field
          id="practice-titles"
          label="Show session titles in emails"
          hint="Off by default: a title can say something about a person's health."
          check
        >
          {(p) => <input {...p} type="checkbox" checked={form.titles_in_email} onChange={set('titles_in_email')} />}
        </Field>
        <Field
          id="practice-notice"
          label="Cancellation notice (hours)"
          hint="A client who cancels later than this before the start cancels late; they are told before they confirm. 0 to 168."
          error={errors.cancel_notice_hours}
        >
          {(p) => (
            <input
              {...p}
              type="number"
              inputMode="numeric"
              min={0}
              max={168}
              step={1}
              value={form.cancel_notice_hours}
              onChange={set('cancel_notice_hours')}
            />
          )}
        </Field>
        <fieldset className="fieldset">
          <legend>New sessions start with</legend>
          <Field id="practice-default-duration" label="Duration" error={errors.default_duration_minutes}>
            {(p) => (
              <select {...p} value={form.default_duration_minutes} onChange={set('default_duration_minutes')}>
                {DURATIONS.map((d) => (
                  <option key={d} value={String(d)}>
                    {formatDuration(d)}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field id="practice-default-title" label="Title" hint="Leave it empty for “Video session”." error={errors.default_title}>
            {(p) => <input {...p} type="text" maxLength={200} value={form.default_title} onChange={set('default_title')} />}
          </Field>
        </fieldset>
        {update.error && !update.error.field && <ErrorMessage error={update.error} />}
        {saved && (
          <p className="success-line" role="status">
            Saved.
          </p>
        )}
        <button className="btn btn--primary" type="submit" disabled={update.isPending}>
          {update.isPending ? 'Saving…' : 'Save practice settings'}
        </button>
      </form>
    </section>
  );
}

export function SettingsPage() {
  const { user } = useAuth();
  const mine = useMySettings();
  return (
    <>
      <AppHeader />
      <main className="dashboard settings" id="main">
        <h1>Settings</h1>
        {mine.isPending ? <Loading label="Loading your settings…" /> : null}
        <ErrorMessage error={mine.error} onRetry={mine.refetch} />
        {mine.data && <ProfileForm settings={mine.data} />}
        <PasswordForm />
        {user.role === 'partner' && <PracticeForm partnerId={user.id} />}
      </main>
    </>
  );
}
