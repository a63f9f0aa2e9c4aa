import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { notificationsApi } from '../api/endpoints';
import type { NotificationPreferences } from '../api/types';
import { Button, Card, EmptyState, ErrorState, FormError, Loading, PageHeader, TextField } from '../components/ui';
import { useToast } from '../components/toast';
import { bannerError, fieldErrorsOf, useTitle } from '../lib/forms';
import { PREFERENCES_KEY, isMissing, usePreferences } from './hooks';
import { hhmm, validateQuietHours } from './quietHours';
import { PushDeviceCard } from '../pwa/PushDeviceCard';

export default function NotificationSettingsPage() {
  useTitle('Notification settings');
  const prefs = usePreferences();
  return (
    <>
      <nav className="breadcrumb" aria-label="Breadcrumb">
        <Link to="/account">Account</Link>
      </nav>
      <PageHeader title="Notification settings" description="Choose what Karat tells you about, and when it stays quiet." />
      {prefs.isPending ? (
        <Loading />
      ) : prefs.isError ? (
        isMissing(prefs.error) ? (
          <EmptyState title="Not available yet">
            <p>This Karat server does not offer notification settings yet.</p>
          </EmptyState>
        ) : (
          <ErrorState error={prefs.error} onRetry={() => void prefs.refetch()} />
        )
      ) : (
        <>
          <PushDeviceCard />
          <PreferencesForm initial={prefs.data} />
        </>
      )}
    </>
  );
}

function PreferencesForm({ initial }: { initial: NotificationPreferences }) {
  const qc = useQueryClient();
  const toast = useToast();
  const [types, setTypes] = useState(initial.types);
  const [quiet, setQuiet] = useState(initial.quiet_hours !== null);
  const [start, setStart] = useState(hhmm(initial.quiet_hours?.start) || '22:00');
  const [end, setEnd] = useState(hhmm(initial.quiet_hours?.end) || '08:00');
  const [local, setLocal] = useState<Record<string, string>>({});
  const save = useMutation({
    mutationFn: notificationsApi.savePreferences,
    onSuccess: (saved) => {
      qc.setQueryData(PREFERENCES_KEY, saved);
      toast({ title: 'Notification settings saved', tone: 'success' });
    },
  });

  const toggle = (type: string, channel: 'in_app' | 'push', on: boolean) =>
    setTypes((list) => list.map((t) => (t.type === type ? { ...t, [channel]: on } : t)));

  const onSubmit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const errs = quiet ? validateQuietHours(start, end) : {};
    setLocal(errs);
    if (Object.keys(errs).length > 0) return;
    save.mutate({ types, quiet_hours: quiet ? { start, end } : null });
  };
  const server = fieldErrorsOf(save.error);
  const fe = {
    start: local.start ?? server['quiet_hours.start'] ?? server.quiet_hours,
    end: local.end ?? server['quiet_hours.end'],
  };

  return (
    <form onSubmit={onSubmit} noValidate className="form">
      <FormError error={bannerError(save.error, ['quiet_hours', 'quiet_hours.start', 'quiet_hours.end'])} />
      <Card title="What to notify you about">
        {types.length === 0 ? (
          <p className="muted">There is nothing to choose yet.</p>
        ) : (
          <div className="table-scroll">
            <table className="prefs-table">
              <thead>
                <tr>
                  <th scope="col">Notification</th>
                  <th scope="col">In the app</th>
                  <th scope="col">Push to your devices</th>
                </tr>
              </thead>
              <tbody>
                {types.map((t) => (
                  <tr key={t.type}>
                    <th scope="row">{t.label}</th>
                    <td>
                      <input
                        type="checkbox"
                        className="pref-check"
                        checked={t.in_app}
                        aria-label={`${t.label}: in the app`}
                        onChange={(e) => toggle(t.type, 'in_app', e.currentTarget.checked)}
                      />
                    </td>
                    <td>
                      <input
                        type="checkbox"
                        className="pref-check"
                        checked={t.push}
                        aria-label={`${t.label}: push`}
                        onChange={(e) => toggle(t.type, 'push', e.currentTarget.checked)}
                      />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Card>
      <Card title="Quiet hours">
        <label className="check">
          <input type="checkbox" checked={quiet} onChange={(e) => setQuiet(e.currentTarget.checked)} />
          <span>No push notifications during quiet hours</span>
        </label>
        {quiet ? (
          <div className="form-row">
            <TextField
              label="From"
              name="quiet_start"
              type="time"
              value={start}
              onChange={(e) => setStart(e.currentTarget.value)}
              error={fe.start}
            />
            <TextField
              label="Until"
              name="quiet_end"
              type="time"
              value={end}
              onChange={(e) => setEnd(e.currentTarget.value)}
              error={fe.end}
            />
          </div>
        ) : null}
      </Card>
      <div className="form-actions">
        <Button type="submit" variant="primary" busy={save.isPending}>
          Save settings
        </Button>
      </div>
    </form>
  );
}
