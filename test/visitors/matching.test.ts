import { describe, expect, it } from 'vitest';
import { companyMatches, foldText, nameMatches, partiesOfMatters, screenVisitor, type WatchEntry } from '../../server/visitors/matching';

describe('text folding', () => {
  it('ignores case, accents, punctuation and letters NFKD keeps whole', () => {
    expect(foldText('  JOSÉ  Núñez-García ')).toBe('jose nunez garcia');
    expect(foldText('Straße Øster Łódź Æsir')).toBe('strasse oster lodz aesir');
    expect(foldText('Ｆｕｌｌｗｉｄｔｈ')).toBe('fullwidth');
  });
});

describe('name matching', () => {
  it('matches whatever the case, accents and word order', () => {
    expect(nameMatches('José Núñez', 'jose NUNEZ')).toBe(true);
    expect(nameMatches('Núñez José', 'José Núñez')).toBe(true);
  });

  it('a watched name flags a fuller name; a visitor name of two words flags a fuller watched name', () => {
    expect(nameMatches('John Doe', 'John Michael Doe')).toBe(true);
    expect(nameMatches('John Michael Doe', 'John Doe')).toBe(true);
  });

  it('does not flag different people or a single shared first name', () => {
    expect(nameMatches('John Doe', 'Jane Doe')).toBe(false);
    expect(nameMatches('John Michael Doe', 'John')).toBe(false);
    expect(nameMatches('Ann Lee', 'Annabel Leeds')).toBe(false);
  });
});

describe('company matching', () => {
  it('ignores legal forms, case and punctuation', () => {
    expect(companyMatches('Acme Inc.', 'ACME Corporation')).toBe(true);
    expect(companyMatches('Müller GmbH', 'mueller gmbh')).toBe(false);
    expect(companyMatches('Müller GmbH', 'MULLER')).toBe(true);
    expect(companyMatches('Acme Holdings LLC', 'Acme')).toBe(true);
  });

  it('does not match unrelated companies', () => {
    expect(companyMatches('Acme Inc.', 'Apex Inc.')).toBe(false);
    expect(companyMatches('Northwind', 'Southwind Traders')).toBe(false);
  });
});

describe('screening a visitor', () => {
  const watch: WatchEntry[] = [
    { id: 'w1', kind: 'name', value: 'Renée Dubois' },
    { id: 'w2', kind: 'company', value: 'Shadow Brokers Ltd' },
  ];
  const parties = partiesOfMatters([
    { id: 'm1', client: 'Birch Estates', matter: 'M-100', parties: JSON.stringify(['Acme Corp', { name: 'Kim Park', role: 'adverse' }, { name: 'Birch Trust', role: 'client' }]) },
    { id: 'm2', client: 'Cedar LLC', matter: 'M-200', parties: 'not json' },
  ]);

  it('reads the parties of matters: the client, and each party (adverse unless said otherwise); bad JSON is skipped', () => {
    expect(parties.map((p) => [p.id, p.partyName, p.role])).toEqual([
      ['m1#client', 'Birch Estates', 'client'],
      ['m1#0', 'Acme Corp', 'adverse'],
      ['m1#1', 'Kim Park', 'adverse'],
      ['m1#2', 'Birch Trust', 'client'],
      ['m2#client', 'Cedar LLC', 'client'],
    ]);
  });

  it('flags a watched name and a watched company', () => {
    expect(screenVisitor({ names: ['RENEE DUBOIS'], company: null }, watch, []).watchHits).toEqual([{ entryId: 'w1', kind: 'name' }]);
    expect(screenVisitor({ names: ['Someone Else'], company: 'shadow brokers' }, watch, []).watchHits).toEqual([{ entryId: 'w2', kind: 'company' }]);
  });

  it('checks the name typed on the NDA as well as the registered one', () => {
    expect(screenVisitor({ names: ['R. D.', 'Renee Dubois'], company: null }, watch, []).watchHits).toHaveLength(1);
  });

  it("finds a conflict when the visitor's company is an adverse party of a matter", () => {
    const s = screenVisitor({ names: ['Pat Visitor'], company: 'ACME Corporation' }, watch, parties);
    expect(s.adverse).toEqual([{ partyId: 'm1#0', client: 'Birch Estates', matter: 'M-100' }]);
    expect(s.clientOf).toEqual([]);
  });

  it('finds a visitor who is personally an adverse party', () => {
    expect(screenVisitor({ names: ['kim park'], company: null }, [], parties).adverse).toEqual([{ partyId: 'm1#1', client: 'Birch Estates', matter: 'M-100' }]);
  });

  it("does not alert for the client's own people", () => {
    const s = screenVisitor({ names: ['Pat Visitor'], company: 'Cedar LLC' }, [], parties);
    expect(s.adverse).toEqual([]);
    expect(s.clientOf).toEqual([{ partyId: 'm2#client', client: 'Cedar LLC', matter: 'M-200' }]);
  });
});
