import { describe, expect, it } from 'vitest';
import { parseForm } from '../src/form.ts';

describe('parseForm (Stripe nested-bracket form encoding)', () => {
  it('reads flat, nested and bracket-encoded keys', () => {
    expect(parseForm('amount=1099&metadata[booking_id]=bk_1&metadata%5Bclinic_id%5D=c%201')).toEqual({
      amount: '1099',
      metadata: { booking_id: 'bk_1', clinic_id: 'c 1' },
    });
  });

  it('reads arrays pushed with [] and indexed with [0], including arrays of objects', () => {
    expect(
      parseForm('expand[]=a&expand[]=b&types[1]=y&types[0]=x&items[0][p]=1&items[0][q]=2&items[1][p]=3'),
    ).toEqual({
      expand: ['a', 'b'],
      types: ['x', 'y'],
      items: [{ p: '1', q: '2' }, { p: '3' }],
    });
  });

  it('keeps empty values (Stripe uses them to unset) and decodes plus signs', () => {
    expect(parseForm('description=&email=a+b%40c.d')).toEqual({ description: '', email: 'a b@c.d' });
  });
});
