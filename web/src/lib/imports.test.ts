import { describe, expect, it } from 'vitest';
import {
  assignColumn,
  furthest,
  groupByRow,
  initialMapping,
  mappingProblems,
  parseImportEvent,
  percent,
  progressOf,
  sampleValues,
  toValidateInput,
} from './imports';

const FIELDS = ['name', 'first_name', 'phone', 'email', 'birth_date', 'city'];
const HEADERS = ['Customer Name', 'Mobile No', 'DOB', 'City', 'Remarks'];

describe('column mapping', () => {
  it('starts from the server’s suggestion, every other column skipped', () => {
    const m = initialMapping(
      HEADERS,
      { 'Customer Name': 'name', 'Mobile No': 'phone', DOB: 'birth_date', City: 'city', Remarks: 'nonsense' },
      FIELDS,
    );
    expect(m).toEqual({ 'Customer Name': 'name', 'Mobile No': 'phone', DOB: 'birth_date', City: 'city', Remarks: '' });
  });

  it('gives a field to one column only: the column that had it is skipped', () => {
    const m = { 'Customer Name': 'name', 'Mobile No': 'phone', City: '' };
    const r = assignColumn(m, 'City', 'phone');
    expect(r.mapping).toEqual({ 'Customer Name': 'name', 'Mobile No': '', City: 'phone' });
    expect(r.cleared).toBe('Mobile No');
    const skip = assignColumn(r.mapping, 'City', '');
    expect(skip.mapping.City).toBe('');
    expect(skip.cleared).toBeNull();
  });

  it('needs a name and a phone, and each field once', () => {
    expect(mappingProblems({ A: 'name', B: 'phone' })).toEqual({});
    expect(mappingProblems({ A: 'first_name', B: 'phone' })).toEqual({});
    expect(mappingProblems({ A: 'email', B: '' }).mapping).toBe('Choose the column with the name (or first name) and the mobile / phone.');
    expect(mappingProblems({ A: 'name', B: 'email' }).mapping).toBe('Choose the column with the mobile / phone.');
    expect(mappingProblems({ A: 'name', B: 'phone', C: 'phone' })).toEqual({ 'mapping.C': '“B” is already Mobile / phone.' });
  });

  it('sends every column, skipped ones as empty', () => {
    expect(toValidateInput({ A: 'name', B: '' }, 's1', 'mdy')).toEqual({
      mapping: { A: 'name', B: '' },
      home_store_id: 's1',
      date_order: 'mdy',
    });
  });

  it('shows a column’s sample values from the preview', () => {
    const preview = [
      ['Asha', '9876543210', '', 'Chennai'],
      ['Ravi', '12345', '01-02-1990', 'Chennai'],
      ['Meera', '9876500000', '03-04-1985', ' Madurai '],
    ];
    expect(sampleValues(HEADERS, preview, 'City')).toEqual(['Chennai', 'Madurai']);
    expect(sampleValues(HEADERS, preview, 'DOB', 1)).toEqual(['01-02-1990']);
    expect(sampleValues(HEADERS, preview, 'Remarks')).toEqual([]);
    expect(sampleValues(HEADERS, preview, 'Nope')).toEqual([]);
  });
});

describe('report and progress', () => {
  it('groups problems by row, in row order', () => {
    expect(
      groupByRow([
        { row: 4, field: 'phone', reason: 'repeats row 2 of this file' },
        { row: 3, field: 'phone', reason: 'is not a valid phone number' },
        { row: 3, field: 'email', reason: 'is not a valid e-mail address', existing_id: null },
        { row: 5, field: 'phone', reason: '+919876543210 already belongs to a customer', existing_id: 'c1' },
      ]),
    ).toEqual([
      {
        row: 3,
        problems: [
          { field: 'phone', reason: 'is not a valid phone number', existingId: null },
          { field: 'email', reason: 'is not a valid e-mail address', existingId: null },
        ],
      },
      { row: 4, problems: [{ field: 'phone', reason: 'repeats row 2 of this file', existingId: null }] },
      { row: 5, problems: [{ field: 'phone', reason: '+919876543210 already belongs to a customer', existingId: 'c1' }] },
    ]);
  });

  it('reads progress from the record and from events, never going back', () => {
    expect(progressOf({ status: 'importing', valid_rows: 2000, imported_rows: 900, skipped_rows: 100 })).toEqual({
      done: 1000,
      total: 2000,
    });
    expect(progressOf({ status: 'done', valid_rows: 2000, imported_rows: 1990, skipped_rows: 10 })).toEqual({ done: 2000, total: 2000 });
    expect(percent({ done: 1, total: 3 })).toBe(33);
    expect(percent({ done: 0, total: 0 })).toBe(100);
    expect(percent({ done: 5, total: 3 })).toBe(100);
    expect(furthest({ done: 1000, total: 2000 }, { done: 500, total: 2000 })).toEqual({ done: 1000, total: 2000 });
    expect(furthest(null, { done: 5, total: 9 })).toEqual({ done: 5, total: 9 });
  });

  it('parses import events and ignores anything else', () => {
    expect(parseImportEvent({ topic: 'imports', kind: 'import.progress', payload: { id: 'i1', done: 1000, total: 2500 } })).toEqual({
      kind: 'progress',
      id: 'i1',
      done: 1000,
      total: 2500,
    });
    expect(parseImportEvent({ topic: 'imports', kind: 'import.finished', payload: { id: 'i1', imported: 2490, skipped: 10 } })).toEqual({
      kind: 'finished',
      id: 'i1',
      imported: 2490,
      skipped: 10,
    });
    expect(parseImportEvent({ topic: 'imports', kind: 'import.progress', payload: { id: 'i1', done: 'x', total: 1 } })).toBeNull();
    expect(parseImportEvent({ topic: 'customers', kind: 'import.progress', payload: { id: 'i1', done: 1, total: 1 } })).toBeNull();
    expect(parseImportEvent({ topic: 'imports', kind: 'import.started', payload: { id: 'i1' } })).toBeNull();
    expect(parseImportEvent({ topic: 'imports', kind: 'import.finished', payload: null })).toBeNull();
  });
});
