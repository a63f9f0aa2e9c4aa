// The segment rule editor: groups ("all" / "any" of their conditions, nested
// up to two levels, each can be negated) and conditions (field, operator,
// value). Native controls in labelled fieldsets, so it works with the
// keyboard and a screen reader, and stacks on a phone.
import { useId } from 'react';
import type { Store } from '../../api/types';
import { Button, CheckField, ChipGroup, SelectField, TextField } from '../../components/ui';
import { Icon } from '../../components/Icon';
import {
  MAX_GROUP_LEVEL,
  MAX_NODES,
  addChild,
  countNodes,
  fieldDef,
  fieldGroups,
  newCondition,
  newGroup,
  opDef,
  removeNode,
  updateNode,
  withField,
  withOp,
  type ConditionDraft,
  type GroupDraft,
  type Mode,
  type NodeDraft,
} from '../../lib/segments';

const MODE_OPTIONS: { value: Mode; label: string }[] = [
  { value: 'all', label: 'all of these (AND)' },
  { value: 'any', label: 'any of these (OR)' },
];

interface Shared {
  root: GroupDraft;
  onChange: (root: GroupDraft) => void;
  /** Messages keyed `<node key>.field|op|value` or `<node key>`. */
  errors: Record<string, string>;
  stores: Store[];
  full: boolean;
}

export function RuleEditor({
  root,
  onChange,
  errors,
  stores,
}: {
  root: GroupDraft;
  onChange: (root: GroupDraft) => void;
  errors: Record<string, string>;
  stores: Store[];
}) {
  const full = countNodes(root) >= MAX_NODES;
  return (
    <div className="rule-editor">
      <GroupEditor group={root} level={0} number="" shared={{ root, onChange, errors, stores, full }} />
      {full ? <p className="muted small">A rule can have at most {MAX_NODES} conditions and groups.</p> : null}
    </div>
  );
}

function GroupEditor({ group, level, number, shared }: { group: GroupDraft; level: number; number: string; shared: Shared }) {
  const { root, onChange, errors, full } = shared;
  const where = level === 0 ? '' : ` to group ${number}`;
  const set = (patch: Partial<GroupDraft>) => onChange(updateNode(root, group.key, (g) => ({ ...g, ...patch }) as GroupDraft));
  const joiner = group.mode === 'all' ? 'and' : 'or';

  const body = (
    <>
      <div className="rule-group-head">
        <SelectField
          label="Customers who match"
          name={`${group.key}-mode`}
          value={group.mode}
          options={MODE_OPTIONS}
          onChange={(e) => set({ mode: e.target.value as Mode })}
        />
        {level > 0 ? (
          <CheckField
            label="Exclude customers who match this group (NOT)"
            name={`${group.key}-not`}
            checked={group.negate}
            onChange={(negate) => set({ negate })}
          />
        ) : null}
      </div>
      {errors[group.key] ? (
        <p className="field-error" role="alert">
          <Icon name="alert" size={16} /> {errors[group.key]}
        </p>
      ) : null}
      {group.children.length === 0 ? (
        <p className="muted small">No conditions yet: {group.mode === 'all' ? 'every customer matches' : 'no customer matches'}.</p>
      ) : (
        <ol className="rule-children">
          {group.children.map((child, i) => {
            const n = number ? `${number}.${i + 1}` : `${i + 1}`;
            return (
              <li key={child.key} className="rule-child">
                {i > 0 ? (
                  <span className="rule-joiner" aria-hidden="true">
                    {joiner}
                  </span>
                ) : null}
                {child.kind === 'group' ? (
                  <GroupEditor group={child} level={level + 1} number={n} shared={shared} />
                ) : (
                  <ConditionEditor condition={child} number={n} shared={shared} />
                )}
              </li>
            );
          })}
        </ol>
      )}
      <div className="button-row rule-actions">
        <Button small icon="plus" disabled={full} onClick={() => onChange(addChild(root, group.key, newCondition()))}>
          Add condition<span className="visually-hidden">{where}</span>
        </Button>
        {level < MAX_GROUP_LEVEL ? (
          <Button small icon="plus" variant="ghost" disabled={full} onClick={() => onChange(addChild(root, group.key, newGroup()))}>
            Add group<span className="visually-hidden">{where}</span>
          </Button>
        ) : null}
        {level > 0 ? (
          <Button small icon="x" variant="ghost" onClick={() => onChange(removeNode(root, group.key))}>
            Remove group<span className="visually-hidden"> {number}</span>
          </Button>
        ) : null}
      </div>
    </>
  );

  if (level === 0) return <div className="rule-group rule-root">{body}</div>;
  return (
    <fieldset className={`rule-group is-nested${group.negate ? ' is-negated' : ''}`}>
      <legend>
        Group {number}
        {group.negate ? <span className="rule-not"> NOT</span> : null}
      </legend>
      {body}
    </fieldset>
  );
}

function ConditionEditor({ condition: c, number, shared }: { condition: ConditionDraft; number: string; shared: Shared }) {
  const { root, onChange, errors } = shared;
  const fieldId = useId();
  const set = (fn: (c: ConditionDraft) => ConditionDraft) =>
    onChange(updateNode(root, c.key, (n: NodeDraft) => (n.kind === 'condition' ? fn(n) : n)));
  const def = fieldDef(c.field);
  const fieldError = errors[`${c.key}.field`];

  return (
    <fieldset className={`rule-condition${c.negate ? ' is-negated' : ''}`}>
      <legend>
        Condition {number}
        {c.negate ? <span className="rule-not"> NOT</span> : null}
      </legend>
      <div className="rule-condition-fields">
        <div className={`field${fieldError ? ' field-invalid' : ''}`}>
          <label htmlFor={fieldId}>Field</label>
          <select
            id={fieldId}
            value={c.field}
            aria-invalid={fieldError ? true : undefined}
            aria-describedby={fieldError ? `${fieldId}-error` : undefined}
            onChange={(e) => set((x) => withField(x, e.target.value))}
          >
            {def ? null : <option value={c.field}>{c.field} (not supported here)</option>}
            {fieldGroups().map((g) => (
              <optgroup key={g.group} label={g.group}>
                {g.fields.map((f) => (
                  <option key={f.field} value={f.field}>
                    {f.label}
                  </option>
                ))}
              </optgroup>
            ))}
          </select>
          {fieldError ? (
            <p className="field-error" id={`${fieldId}-error`}>
              <Icon name="alert" size={16} /> {fieldError}
            </p>
          ) : null}
        </div>
        {def ? (
          <SelectField
            label="Operator"
            name={`${c.key}-op`}
            value={c.op}
            options={def.ops.map((o) => ({ value: o.op, label: o.label }))}
            onChange={(e) => set((x) => withOp(x, e.target.value))}
            error={errors[`${c.key}.op`]}
          />
        ) : null}
        <ValueEditor c={c} set={set} error={errors[`${c.key}.value`]} stores={shared.stores} />
      </div>
      <div className="rule-condition-foot">
        <CheckField
          label="Exclude customers who match this condition (NOT)"
          name={`${c.key}-not`}
          checked={c.negate}
          onChange={(negate) => set((x) => ({ ...x, negate }))}
        />
        <Button small variant="ghost" icon="x" onClick={() => onChange(removeNode(root, c.key))}>
          Remove<span className="visually-hidden"> condition {number}</span>
        </Button>
      </div>
    </fieldset>
  );
}

function ValueEditor({
  c,
  set,
  error,
  stores,
}: {
  c: ConditionDraft;
  set: (fn: (c: ConditionDraft) => ConditionDraft) => void;
  error: string | undefined;
  stores: Store[];
}) {
  const def = fieldDef(c.field);
  const op = opDef(c.field, c.op);
  const text = (label: string, extra: Partial<Parameters<typeof TextField>[0]> = {}) => (
    <TextField
      label={label}
      name={`${c.key}-value`}
      value={c.value}
      autoComplete="off"
      onChange={(e) => {
        const value = e.target.value;
        set((x) => ({ ...x, value }));
      }}
      error={error}
      {...extra}
    />
  );
  if (!def || !op) {
    return (
      <p className="field-static rule-raw">
        <span className="label">Value</span> <code>{JSON.stringify(c.raw ?? null)}</code>
      </p>
    );
  }
  const storeOptions = stores
    .filter((s) => s.active || c.value === s.id || c.values.includes(s.id))
    .map((s) => ({ value: s.id, label: s.name }));
  switch (op.value) {
    case 'none':
      return null;
    case 'text':
      return text('Value', { maxLength: 120 });
    case 'texts':
      return text('Values', { hint: 'Separate them with commas.', maxLength: 2000 });
    case 'number':
      return text('Amount (whole units)', { inputMode: 'numeric', maxLength: 16, placeholder: '500000' });
    case 'days':
      return text('Days', { inputMode: 'numeric', maxLength: 6, hint: `0 to ${def.maxDays ?? 366}` });
    case 'share':
      return text('Percent', { inputMode: 'decimal', maxLength: 6, hint: '0 to 100' });
    case 'choice':
      return (
        <SelectField
          label="Value"
          name={`${c.key}-value`}
          value={c.value}
          options={[{ value: '', label: 'Choose…' }, ...(def.options ?? [])]}
          onChange={(e) => {
            const value = e.target.value;
            set((x) => ({ ...x, value }));
          }}
          error={error}
        />
      );
    case 'store':
      return (
        <SelectField
          label="Store"
          name={`${c.key}-value`}
          value={c.value}
          options={[{ value: '', label: 'Choose…' }, ...storeOptions]}
          onChange={(e) => {
            const value = e.target.value;
            set((x) => ({ ...x, value }));
          }}
          error={error}
        />
      );
    case 'choices':
    case 'stores':
      return (
        <ChipGroup<string>
          multiple
          legend={op.value === 'stores' ? 'Stores' : 'Values'}
          name={`${c.key}-values`}
          options={op.value === 'stores' ? storeOptions : (def.options ?? [])}
          value={c.values}
          onChange={(values) => set((x) => ({ ...x, values }))}
          error={error}
          className="rule-chips"
        />
      );
    case 'bool':
      return (
        <ChipGroup<string>
          legend="Value"
          name={`${c.key}-value`}
          options={[
            { value: 'true', label: def.yesNo?.[0] ?? 'Yes' },
            { value: 'false', label: def.yesNo?.[1] ?? 'No' },
          ]}
          value={c.value}
          onChange={(value) => set((x) => ({ ...x, value }))}
          error={error}
          className="rule-chips"
        />
      );
  }
}
