import { describe, expect, it } from 'vitest';
import { renderToStaticMarkup } from 'react-dom/server';
import { ApiError, NetworkError } from '../../dashboard/src/api/client';
import { DataTable } from '../../dashboard/src/components/DataTable';
import { FormCard, SelectField, type Submission } from '../../dashboard/src/components/FormField';
import { Loaded } from '../../dashboard/src/components/Status';
import { needsReauth, ReauthCancelled, retryAfterReauth } from '../../dashboard/src/components/ReauthDialog';
import { formProblem } from '../../dashboard/src/lib/form-errors';

/** The pieces of the administration and shredding forms that need no browser. */
describe('form refusals', () => {
  it('puts each field the server names next to that field, and the rest in one sentence', () => {
    const err = new ApiError(400, 'invalid body', [
      { field: 'body.name', message: 'must not be empty' },
      { field: 'body.email', message: 'must be an email address' },
      { field: 'body.requested_by', message: 'is required' },
    ]);
    expect(formProblem(err, ['name', 'email', 'role'])).toEqual({
      fields: { name: 'must not be empty', email: 'must be an email address' },
      message: 'Check the fields marked below; also requested_by: is required.',
    });
  });

  it('files an item of a list under its list, saying which item', () => {
    const err = new ApiError(400, 'invalid body', [{ field: 'body.barcodes.1', message: 'must be 3-64 capital letters' }]);
    expect(formProblem(err, ['barcodes']).fields).toEqual({ barcodes: '1: must be 3-64 capital letters' });
  });

  it('says a refusal without fields, a forbidden action and a dead network in words', () => {
    expect(formProblem(new ApiError(409, 'nothing to collect: no file was deposited'), ['bin'])).toEqual({ fields: {}, message: 'Nothing to collect: no file was deposited' });
    expect(formProblem(new ApiError(403, 'forbidden'), ['name']).message).toBe('Your account may not do this.');
    expect(formProblem(new NetworkError(), ['name']).message).toMatch(/cannot be reached/);
  });
});

describe('re-authentication', () => {
  const reauthRefusal = () => new ApiError(403, 'confirm your password and code again for this action', [{ field: 'reauth', message: 'reauth_required' }]);

  it('recognises only the refusal that asks for the password again', () => {
    expect(needsReauth(reauthRefusal())).toBe(true);
    expect(needsReauth(new ApiError(403, 'forbidden'))).toBe(false);
    expect(needsReauth(new ApiError(400, 'x', [{ field: 'reauth', message: 'x' }]))).toBe(false);
  });

  it('asks once, then runs the action again', async () => {
    let calls = 0;
    let asked = 0;
    const action = async () => {
      calls++;
      if (calls === 1) throw reauthRefusal();
      return 'placed';
    };
    expect(await retryAfterReauth(action, async () => void asked++)).toBe('placed');
    expect({ calls, asked }).toEqual({ calls: 2, asked: 1 });
  });

  it('does not run the action again when the person cancels, nor ask for other refusals', async () => {
    let calls = 0;
    const refused = async () => {
      calls++;
      throw reauthRefusal();
    };
    await expect(retryAfterReauth(refused, async () => Promise.reject(new ReauthCancelled()))).rejects.toBeInstanceOf(ReauthCancelled);
    expect(calls).toBe(1);
    const conflict = new ApiError(409, 'already issued');
    await expect(retryAfterReauth(() => Promise.reject(conflict), () => Promise.reject(new Error('must not ask')))).rejects.toBe(conflict);
  });
});

describe('DataTable', () => {
  const columns = [
    { header: 'Name', rowHeader: true, cell: (r: { id: string; name: string }) => r.name },
    { header: 'Actions', hiddenHeader: true, cell: () => <button type="button">Edit</button> },
  ];

  it('names the table and its scrolling region, heads each row with its first cell', () => {
    const html = renderToStaticMarkup(<DataTable label="People" columns={columns} rows={[{ id: 'a', name: 'Ada' }]} rowKey={(r) => r.id} empty="Nobody" />);
    expect(html).toContain('<div class="table-wrap" tabindex="0" role="region" aria-label="People">');
    expect(html).toContain('<table class="table" aria-label="People">');
    expect(html).toContain('<th scope="col">Name</th><th scope="col"><span class="visually-hidden">Actions</span></th>');
    expect(html).toContain('<th scope="row">Ada</th><td><button type="button">Edit</button></td>');
  });

  it('says so in words when there is nothing to list, and uses a visible caption when given one', () => {
    expect(renderToStaticMarkup(<DataTable label="People" columns={columns} rows={[]} rowKey={(r) => r.id} empty="Nobody yet." />)).toBe('<p class="empty">Nobody yet.</p>');
    const captioned = renderToStaticMarkup(<DataTable label="People" caption="Staff" columns={columns} rows={[{ id: 'a', name: 'Ada' }]} rowKey={(r) => r.id} empty="" />);
    expect(captioned).toContain('<table class="table"><caption>Staff</caption>');
  });
});

describe('shared form pieces', () => {
  const submission = (over: Partial<Submission> = {}): Submission => ({ busy: false, problem: { fields: {}, message: null }, done: null, run: async () => true, ...over });

  it('ties a drop-down to its label, with an empty "choose" entry when asked', () => {
    const html = renderToStaticMarkup(<SelectField label="Role" value="staff" onChange={() => {}} options={[{ value: 'staff', label: 'Staff' }]} placeholder="Choose…" required />);
    const id = /<label for="([^"]+)">Role<\/label>/.exec(html)?.[1];
    expect(id).toBeTruthy();
    expect(html).toContain(`<select id="${id}" required=""><option value="">Choose…</option><option value="staff" selected="">Staff</option></select>`);
  });

  it('names a form by its heading, says the busy label while it runs, and offers Cancel only when asked', () => {
    const idle = renderToStaticMarkup(
      <FormCard title="Add a person" submission={submission()} onSubmit={() => {}} submitLabel="Add person" busyLabel="Adding…">
        <input />
      </FormCard>,
    );
    const heading = /<h3 id="([^"]+)" class="form-title">Add a person<\/h3>/.exec(idle)?.[1];
    expect(idle).toContain(`<form class="card form-grid" aria-labelledby="${heading}" noValidate="">`);
    expect(idle).toContain('<button type="submit" class="button primary">Add person</button></div>');
    expect(idle).not.toContain('Cancel');
    const busy = renderToStaticMarkup(
      <FormCard label="Add a rule" className="form-grid" submission={submission({ busy: true, problem: { fields: {}, message: 'Refused' } })} onSubmit={() => {}} submitLabel="Add rule" primary={false} onCancel={() => {}}>
        <input />
      </FormCard>,
    );
    expect(busy).toContain('<form class="form-grid" aria-label="Add a rule" noValidate="">');
    expect(busy).toContain('<button type="submit" class="button" disabled="">Add rule</button><button type="button" class="button">Cancel</button>');
    expect(busy).toContain('<div role="alert"><p class="field-error">Refused</p></div>');
  });

  it('shows a fetch as a spinner, then its data kept while reloading, or its error with a retry', () => {
    const state = { data: undefined as string[] | undefined, error: undefined as Error | undefined, loading: true, reload: () => {} };
    const render = () => renderToStaticMarkup(<Loaded state={state} what="the walls">{(walls) => <p>{walls.join(', ')}</p>}</Loaded>);
    expect(render()).toContain('Loading…');
    Object.assign(state, { data: ['A', 'B'] });
    expect(render()).toBe('<p>A, B</p>');
    Object.assign(state, { loading: false, error: new Error('boom') });
    expect(render()).toContain('<strong>Could not load the walls.</strong> boom');
    expect(render()).toContain('<p>A, B</p>');
  });
});
