// ModelSerializer's rules, without HTTP: which fields a body may set, what an HTML form's
// absent or empty value means, the explicit read_only and required options, and what a
// create and an update write.
import { describe, expect, it } from 'vitest';
import { FormData, type RequestData } from '../../src/http/body.js';
import { PyNumber } from '../../src/http/python-json.js';
import * as fields from '../../src/generics/fields.js';
import { defineResource } from '../../src/generics/resource.js';
import { modelSerializer } from '../../src/generics/serializers.js';

const tasks = defineResource({
  name: 'Task',
  table: 'task',
  fields: {
    id: fields.autoId(),
    title: fields.char({ maxLength: 20 }),
    code: fields.char({ maxLength: 8, readOnly: true, default: 'T-0' }),
    notes: fields.text({ blank: true, required: true }),
    done: fields.boolean(),
    due: fields.date({ null: true }),
    points: fields.integer({ null: true }),
    level: fields.choice({ choices: [['a', 'A'], ['b', 'B']], default: 'a' }),
  },
});
const serializer = modelSerializer(tasks);
const noReferences = async (): Promise<boolean> => true;
const json = (value: Record<string, unknown>): RequestData => ({ kind: 'json', value: value as never });
const form = (values: Record<string, string>): RequestData => ({ kind: 'form', value: new FormData(new Map(Object.entries(values).map(([key, value]) => [key, [value]]))) });

async function errorsOf(data: RequestData, partial = false): Promise<unknown> {
  try {
    await serializer.validate(data, { partial, references: noReferences });
    return null;
  } catch (error) {
    return (error as { body: unknown }).body;
  }
}

describe('ModelSerializer', () => {
  it('ignores read-only fields in a body and stores their default on create', async () => {
    const validated = await serializer.validate(json({ title: 'x', notes: '', code: 'HACK', id: 9 }), { partial: false, references: noReferences });
    expect(validated).toEqual({ title: 'x', notes: '' });
    expect(serializer.createValues(validated, null)).toEqual({ title: 'x', code: 'T-0', notes: '', done: false, due: null, points: null, level: 'a' });
  });

  it('requires what `required` says, beyond the model rule', async () => {
    expect(await errorsOf(json({ title: 'x' }))).toEqual({ notes: ['This field is required.'] });
    expect(await errorsOf(json({}), true)).toBeNull();
  });

  it('reads an HTML form as DRF does: an absent checkbox is false, an empty nullable value is null, an empty optional one is not sent', async () => {
    const validated = await serializer.validate(form({ title: 'x', notes: '', due: '', points: '', level: '' }), { partial: false, references: noReferences });
    expect(validated).toEqual({ title: 'x', notes: '', done: false, due: null, points: null });
    const patch = await serializer.validate(form({ points: '4' }), { partial: true, references: noReferences });
    expect(patch).toEqual({ points: 4 });
  });

  it('writes on update only the values that change', async () => {
    const current = { id: 1, title: 'x', code: 'T-0', notes: '', done: 0, due: null, points: 3, level: 'a' };
    const validated = await serializer.validate(json({ title: 'x', done: 'yes', points: new PyNumber('3.0', true) }), { partial: true, references: noReferences });
    expect(serializer.updateValues(validated, current)).toEqual({ done: true });
    expect(serializer.changes({ done: true }, current)).toEqual({ done: [false, true] });
  });
});
