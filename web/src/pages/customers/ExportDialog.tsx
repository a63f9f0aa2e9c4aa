// "Export" on the customer list: the list's search and filters, an optional
// range of when customers were added, CSV or JSON lines; downloaded with the
// bearer token and saved from a blob.
import { useState } from 'react';
import { useMutation } from '@tanstack/react-query';
import { importsApi } from '../../api/endpoints';
import type { CustomerFilters, ExportFormat } from '../../api/types';
import { Button, ChipGroup, FormError, TextField } from '../../components/ui';
import { Modal } from '../../components/Modal';
import { useToast } from '../../components/toast';
import { TIER_LABELS } from '../../lib/customers';
import { addDays, todayIn, zonedDayStart } from '../../lib/format';
import { EXPORT_FORMATS, saveBlob } from '../../lib/files';
import { useLocaleSettings } from '../../lib/locale';

type ListFilters = Required<Pick<CustomerFilters, 'q' | 'tag' | 'city' | 'tier' | 'store_id'>>;

/** The list's filters in words ("search “asha”, tier VIP"), or null for none. */
function filtersInWords(f: ListFilters, storeName: (id: string) => string | undefined): string | null {
  const parts: string[] = [];
  if (f.q) parts.push(`search “${f.q}”`);
  if (f.tier) parts.push(`tier ${TIER_LABELS[f.tier]}`);
  if (f.city) parts.push(`city ${f.city}`);
  if (f.tag) parts.push(`tag “${f.tag}”`);
  if (f.store_id) parts.push(`home store ${storeName(f.store_id) ?? 'chosen'}`);
  return parts.length > 0 ? parts.join(', ') : null;
}

export function ExportDialog({
  open,
  onOpenChange,
  filters,
  storeName,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  filters: ListFilters;
  storeName: (id: string) => string | undefined;
}) {
  const toast = useToast();
  const { timeZone } = useLocaleSettings();
  const [format, setFormat] = useState<ExportFormat>('csv');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const today = todayIn(timeZone);
  const rangeError = from && to && from > to ? 'The start is after the end.' : undefined;

  const download = useMutation({
    mutationFn: () =>
      importsApi.exportCustomers({
        ...filters,
        format,
        from: from ? zonedDayStart(from, timeZone) : '',
        to: to ? zonedDayStart(addDays(to, 1), timeZone) : '',
      }),
    onSuccess: ({ blob, filename }) => {
      saveBlob(blob, filename ?? `customers-${today}.${format === 'json' ? 'jsonl' : 'csv'}`);
      toast({ title: 'Export downloaded', description: filename ?? undefined, tone: 'success' });
      onOpenChange(false);
    },
  });
  const words = filtersInWords(filters, storeName);

  return (
    <Modal
      open={open}
      onOpenChange={(o) => {
        if (!o) download.reset();
        onOpenChange(o);
      }}
      title="Export customers"
      description={
        words
          ? `The customers in this list (${words}) that you can see.`
          : 'Every customer you can see. Search or filter the list first to export fewer.'
      }
    >
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          if (!rangeError) download.mutate();
        }}
      >
        <ChipGroup<ExportFormat> legend="Format" name="export-format" options={EXPORT_FORMATS} value={format} onChange={setFormat} />
        <fieldset className="field date-range">
          <legend>Added to Karat (optional)</legend>
          <div className="form-row">
            <TextField label="From" name="from" type="date" value={from} max={to || today} onChange={(e) => setFrom(e.target.value)} />
            <TextField
              label="To"
              name="to"
              type="date"
              value={to}
              min={from || undefined}
              max={today}
              onChange={(e) => setTo(e.target.value)}
              error={rangeError}
            />
          </div>
        </fieldset>
        <p className="muted small">Spreadsheet formulas in names and notes are neutralised. The export is recorded in the audit log.</p>
        <FormError error={download.error} />
        <div className="form-actions">
          <Button variant="ghost" onClick={() => onOpenChange(false)}>
            Cancel
          </Button>
          <Button type="submit" variant="primary" icon="download" busy={download.isPending}>
            Download
          </Button>
        </div>
      </form>
    </Modal>
  );
}
